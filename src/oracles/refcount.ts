// At quiescence, each live mm's counts must be what its live holders account for (live processes
// included): mm_users = 1 for an owner that has not exited + one per svm holding a reference (its
// `refs` name the mm); mm_count = 1 while mm_users > 0 + one per live svm whose notifier is
// registered on the mm (its `links`). Nothing else holds either at rest: a fault thread's pin and
// the exiting task's active_mm are dropped before quiescence. More is a reference nobody will drop
// (a leak to come), fewer a drop that will free the mm under a holder.
import type { ObjRecord } from '../trace/objects.ts';
import type { Oracle, Violation } from './types.ts';

export const refcount: Oracle = ({ trace, objects, views, quiescent, cut }) => {
  if (!quiescent || cut) return [];
  const exited = new Set(views.filter((v) => v.kind === 'process' && v.state === 'dead').map((v) => v.id));
  const svms = objects.all().filter((o) => o.kind === 'svm' && o.alive);
  const out: Violation[] = [];
  for (const mm of objects.all().filter((o) => o.kind === 'mm' && o.alive)) {
    const holding = svms.filter((s) => s.refs?.includes(mm.id));
    const notified = svms.filter((s) => s.links?.includes(mm.id));
    const users = (exited.has(mm.owner) ? 0 : 1) + holding.length;
    const count = (users > 0 || (mm.mm_users ?? 0) > 0 ? 1 : 0) + notified.length;
    const who = (task: boolean, list: ObjRecord[], what: string) =>
      [...(task ? [`${mm.owner} (its own)`] : []), ...list.map((s) => `${s.id} (${what})`)].join(', ') || 'nothing';
    if (mm.mm_users !== users) out.push(mismatch(trace.length, mm, 'mm_users', users, who(!exited.has(mm.owner), holding, 'bind reference')));
    if (mm.mm_count !== count) out.push(mismatch(trace.length, mm, 'mm_count', count, who((mm.mm_users ?? 0) > 0, notified, 'mmu notifier')));
  }
  return out;
};

const mismatch = (step: number, mm: ObjRecord, field: 'mm_users' | 'mm_count', want: number, holders: string): Violation => ({
  oracle: 'refcount',
  message: `BUG: at quiescence: ${mm.id}->${field} = ${String(mm[field])}, but its live holders account for ${want}: ${holders}`,
  step,
  objects: [mm.id],
});
