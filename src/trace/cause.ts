// Who did it: walk a step's causal chain (each message remembers the step that sent it) up to the
// kernel path it ran in (`exit_mmap`, `intel_svm_unbind_mm`, ...) and the thread it ran on.
import type { TraceEvent } from '../runtime/types.ts';

/** The kernel paths a free or a use is attributed to, innermost first wins. */
export const FRAMES = [
  'exit_mmap',
  'do_munmap',
  'mmu_notifier_unregister',
  'intel_mm_release',
  'intel_svm_unbind_mm',
  'intel_svm_bind_mm',
  '__fput',
  'prq_event_thread',
  'do_exit',
];

const frameOf = (ev: TraceEvent): string | undefined => {
  const segs = ev.state.split(/[.|]/);
  return FRAMES.find((f) => segs.includes(f)) ?? (ev.to === 'prq' ? 'prq_event_thread' : undefined);
};

/** The causal chain of a step, itself first. */
export function chain(trace: TraceEvent[], step: number): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (let s: number | null = step; s !== null && trace[s]; s = trace[s]!.cause) out.push(trace[s]!);
  return out;
}

/** A thread's readable name: the page-request IRQ thread, the delayed_fput kworker, a task. */
export const threadName = (ctx: unknown): string =>
  ctx === 'prq' ? 'prq_event_thread' : ctx === 'kworker' ? 'kworker/delayed_fput' : String(ctx);

/** `exit_mmap (process#1)`: the innermost kernel path and the thread, from the causal chain.
 * A task's own do_exit is the outermost frame of everything it does, so it names a step only
 * when no other path does. */
export function attribute(trace: TraceEvent[], step: number): string {
  const c = chain(trace, step);
  const frames = c.map(frameOf).filter((f): f is string => f !== undefined);
  const frame = frames.find((f) => f !== 'do_exit') ?? frames[0] ?? trace[step]?.event ?? '?';
  const ctx = c.map((e) => e.args.ctx).find((x) => typeof x === 'string') ?? trace[step]?.to ?? '?';
  return `${frame} (${threadName(ctx)})`;
}
