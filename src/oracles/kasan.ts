// KASAN: an access to a freed object. Accesses by the IOMMU or the device (a page walk, a DMA)
// are `dma-freed`: DMA through freed page tables or into a freed page; the rest `use-after-free`.
import { isThread, threadName } from '../trace/cause.ts';
import type { TraceEvent } from '../runtime/types.ts';
import type { StepOracle, Violation } from './types.ts';

const DEVICE_ACCESS = new Set(['iommu-walk', 'iommu_walk', 'dma-read', 'dma-write', 'dma_map']);

/** Who makes the access: a return to a thread runs in that thread (prq_event_thread reading
 * svm->mm once idr_find has returned), a call in the thread it carries (`ctx`). The thread is the
 * violation's first actor, the one a fault's harm names (src/faults/harms.ts). */
const accessor = (ev: TraceEvent): { thread: string; actors: string[] } =>
  ev.event.startsWith('ret.') && isThread(ev.to)
    ? { thread: ev.to, actors: [ev.to, ev.from] }
    : { thread: String(ev.args.ctx ?? ev.from), actors: [ev.from, ev.to] };

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
    const by = accessor(ev);
    const who = device ? `${e.how} by ${ev.from === 'iommu' ? 'the IOMMU' : ev.from}` : `${e.how} (${threadName(by.thread)})`;
    (out ??= []).push({
      oracle: device ? 'dma-freed' : 'use-after-free',
      message: `BUG: KASAN: ${device ? 'DMA to freed memory' : 'use-after-free'} in ${who}: ${e.obj} freed at step ${at} by ${o?.freedBy ?? '?'}`,
      step: ev.step,
      objects: [e.obj],
      actors: device ? [ev.from, ev.to] : by.actors,
    });
  }
  return out;
};
