// At quiescence, each live mm's counts must be what its live holders account for (live processes
// included): mm_users = 1 for an owner that has not yet put it (do_exit's mmput) + one per svm holding a reference (its
// `refs` name the mm); mm_count = 1 while mm_users > 0 + one per live svm whose notifier is
// registered on the mm (its `links`). Nothing else holds either at rest: a fault thread's pin and
// the exiting task's active_mm are dropped before quiescence. More is a reference nobody will drop
// (a leak to come), fewer a drop that will free the mm under a holder. A live file's f_count
// likewise: its open fds and the live VMAs that map it; and a file nothing holds any more must be
// gone (its final fput's __fput ran), unless its release is still blocked (stuck's business).
import type { ObjState } from '../trace/objects.ts';
import type { Oracle, Violation } from './types.ts';

const PAST_MMPUT = /^(dead|do_exit\.(mmput|exit_files|filp_close|exit_task_work|task_work_run))/;

export const refcount: Oracle = ({ trace, objects, views, quiescent, cut }) => {
  if (!quiescent || cut) return [];
  // A task holds its mm until do_exit's mmput: one blocked later in do_exit (a hung __fput in
  // task_work_run) holds it no more.
  const exited = new Set(views.filter((v) => v.kind === 'process' && PAST_MMPUT.test(v.state)).map((v) => v.id));
  const all = objects.states();
  const svms = all.filter((o) => o.kind === 'svm' && o.alive);
  const out: Violation[] = [];
  for (const mm of all.filter((o) => o.kind === 'mm' && o.alive)) {
    const holding = svms.filter((s) => s.refs?.includes(mm.id));
    const notified = svms.filter((s) => s.links?.includes(mm.id));
    const users = (exited.has(mm.owner) ? 0 : 1) + holding.length;
    const count = (users > 0 || (mm.mm_users ?? 0) > 0 ? 1 : 0) + notified.length;
    const who = (task: boolean, list: ObjState[], what: string) =>
      [...(task ? [`${mm.owner} (its own)`] : []), ...list.map((s) => `${s.id} (${what})`)].join(', ') || 'nothing';
    if (mm.mm_users !== users) out.push(mismatch(trace.length, mm, 'mm_users', users, who(!exited.has(mm.owner), holding, 'bind reference')));
    if (mm.mm_count !== count) out.push(mismatch(trace.length, mm, 'mm_count', count, who((mm.mm_users ?? 0) > 0, notified, 'mmu notifier')));
  }
  const releasing = new Set(views.filter((v) => v.kind === 'file' && v.waiting).map((v) => v.id));
  for (const f of all.filter((o) => o.kind === 'file' && o.alive)) out.push(...fileCount(trace, all, f, releasing.has(f.id)));
  return out;
};

/** A live file's f_count: one per fd that opened it and has not closed it (open, a fork's or
 * clone's dup_fd, a send_fd's scm_fp_copy, and filp_close and a failed send's scm_destroy
 * deliveries in the trace), one per live VMA whose refs name it. */
function fileCount(trace: Parameters<Oracle>[0]['trace'], all: ObjState[], f: ObjState, releasing: boolean): Violation[] {
  let fds = 0;
  for (const ev of trace) if (ev.to === f.id && ev.seq >= 0) fds += ev.event === 'open' || ev.event === 'dup_fd' || ev.event === 'scm_fp_copy' ? 1 : ev.event === 'filp_close' || ev.event === 'scm_destroy' ? -1 : 0;
  const vmas = all.filter((o) => o.kind === 'vma' && o.alive && o.refs?.includes(f.id));
  const want = fds + vmas.length;
  if (f.f_count === want && (want > 0 || releasing)) return [];
  if (f.f_count === 0 && want === 0) return [{ oracle: 'refcount', message: `BUG: at quiescence: ${f.id}->f_count = 0 and nothing holds it, yet it is not freed: its final fput's __fput never ran`, step: trace.length, objects: [f.id] }];
  const holders = [...(fds ? [`${fds} fd(s)`] : []), ...vmas.map((v) => `${v.id} (vm_file)`)].join(', ') || 'nothing';
  return [{ oracle: 'refcount', message: `BUG: at quiescence: ${f.id}->f_count = ${String(f.f_count)}, but its live holders account for ${want}: ${holders}`, step: trace.length, objects: [f.id] }];
}

const mismatch = (step: number, mm: ObjState, field: 'mm_users' | 'mm_count', want: number, holders: string): Violation => ({
  oracle: 'refcount',
  message: `BUG: at quiescence: ${mm.id}->${field} = ${String(mm[field])}, but its live holders account for ${want}: ${holders}`,
  step,
  objects: [mm.id],
});
