// KASAN: an access to a freed object. Accesses by the IOMMU or the device (a page walk, a DMA)
// are `dma-freed`: DMA through freed page tables or into a freed page; the rest `use-after-free`.
import { threadName } from '../trace/cause.ts';
import type { StepOracle, Violation } from './types.ts';

const DEVICE_ACCESS = new Set(['iommu-walk', 'iommu_walk', 'dma-read', 'dma-write', 'dma_map']);

export const kasan: StepOracle = (ev, objects) => {
  let out: Violation[] | undefined;
  /** Frees earlier in this step's effects (an effect list is in order). */
  let freedHere: Map<string, number> | undefined;
  for (const e of ev.effects) {
    if (e.op === 'free') (freedHere ??= new Map()).set(e.obj, ev.step);
    if (e.op !== 'access') continue;
    const at = freedHere?.get(e.obj) ?? objects.freedAt(e.obj);
    if (at === undefined) continue;
    const o = objects.get(e.obj);
    const device = DEVICE_ACCESS.has(e.how);
    const who = device ? `${e.how} by ${ev.from === 'iommu' ? 'the IOMMU' : ev.from}` : `${e.how} (${threadName(ev.args.ctx ?? ev.from)})`;
    (out ??= []).push({
      oracle: device ? 'dma-freed' : 'use-after-free',
      message: `BUG: KASAN: ${device ? 'DMA to freed memory' : 'use-after-free'} in ${who}: ${e.obj} freed at step ${at} by ${o?.freedBy ?? '?'}`,
      step: ev.step,
      objects: [e.obj],
      actors: [ev.from, ev.to],
    });
  }
  return out;
};
