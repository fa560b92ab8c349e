// The PASID allocator and the svm list, as intel_svm_bind_mm keeps them: idr_alloc(&pasid_idr,
// svm, 0, pasid_max) hands out an id in [0, pasid_max) that no live PASID has, and a bind of an mm
// that already has a (non-private) svm finds it in the idr walk and adds an sdev, never a second
// svm (the model has no private PASIDs). Judged at each step, against the objects before it.
import type { ObjectTable } from '../trace/objects.ts';
import type { StepOracle, Violation } from './types.ts';

/** pasid_max: 2^20, the PCIe PASID width (kernel notes §1.2: a device's max PASIDs, 2^20 without PCI). */
export const PASID_MAX = 1 << 20;

/** The kinds whose live objects this oracle reads at an alloc (the partial-order reduction orders
 * every alloc and free of them: engine/dependence.ts). */
export const LIVE_KINDS_READ: readonly string[] = ['pasid', 'svm'];

const liveOfKind = (objects: ObjectTable, kind: string) => objects.states().filter((o) => o.alive && o.kind === kind);
const field = (o: object, f: string) => (o as Record<string, unknown>)[f];

/** Whether a step allocates anything: most do not, and the oracle then costs one loop. */
const allocates = (effects: readonly { op: string }[]) => {
  for (const e of effects) if (e.op === 'alloc') return true;
  return false;
};

export const pasidIdr: StepOracle = (ev, objects) => {
  if (!allocates(ev.effects)) return undefined;
  let out: Violation[] | undefined;
  const bad = (message: string, ids: string[]) => (out ??= []).push({ oracle: 'invariant', message: `BUG: ${message} in ${ev.event}`, step: ev.step, objects: ids });
  for (const e of ev.effects) {
    if (e.op !== 'alloc') continue;
    if (e.kind === 'pasid') {
      const v = field(e.init, 'value');
      if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= PASID_MAX) bad(`idr_alloc gave ${e.obj} the id ${String(v)}, outside [0, pasid_max = ${PASID_MAX})`, [e.obj]);
      const twin = liveOfKind(objects, 'pasid').find((p) => field(p, 'value') === v);
      if (twin) bad(`idr_alloc gave ${e.obj} the id ${String(v)}, which live ${twin.id} still has`, [e.obj, twin.id]);
    } else if (e.kind === 'svm') {
      const mm = (e.init.links as string[] | undefined)?.[0];
      const twin = mm === undefined ? undefined : liveOfKind(objects, 'svm').find((s) => s.links?.[0] === mm);
      if (twin) bad(`intel_svm_bind_mm made ${e.obj} for ${mm}, which live ${twin.id} already serves (the idr walk must find it)`, [e.obj, twin.id]);
    }
  }
  return out;
};
