// Who did it: walk a step's causal chain (each message remembers the step that sent it) up to the
// kernel path it ran in (`exit_mmap`, `intel_svm_unbind_mm`, ...) and the thread it ran on.
import type { TraceEvent } from '../runtime/types.ts';

/** Kernel paths a step is attributed to. The innermost step of the call chain that names one
 * wins; where one step names several (nested states), the first in this list does. */
export const FRAMES = [
  'intel_mm_release',
  'exit_mmap',
  'do_munmap',
  'intel_svm_unbind_mm',
  '__fput',
  'intel_svm_bind_mm',
  'mmu_notifier_unregister',
  'finish_task_switch',
  'handle_mm_fault',
  'prq_event_thread',
  'do_exit',
];

/** Threads: a return to one of them ends the call chain that led to it. */
export const isThread = (id: string) => id.startsWith('process#') || id === 'prq';
const isReturn = (ev: TraceEvent) => ev.event.startsWith('ret.');

/** The segments of a flattened state (`a.b|c.d` → a, b, c, d), split once per distinct state. */
const segments = new Map<string, string[]>();
const framesIn = (state: string | undefined, segs: Set<string>) => {
  const key = state ?? '';
  let parts = segments.get(key);
  if (!parts) segments.set(key, (parts = key.split(/[.|]/)));
  for (const x of parts) segs.add(x);
};

/** The receiver's state before each step (after its previous delivery), computed forward once
 * per trace as far as asked. A trace only grows, so what is computed stays true. */
export class StatesBefore {
  private readonly before: (string | undefined)[] = [];
  private readonly last = new Map<string, string>();
  /** framesOf each step, as asked. */
  readonly frames = new Map<number, string[]>();

  constructor(private readonly trace: TraceEvent[]) {}

  at(step: number): string | undefined {
    for (let s = this.before.length; s <= step && s < this.trace.length; s++) {
      const ev = this.trace[s]!;
      this.before.push(this.last.get(ev.to));
      this.last.set(ev.to, ev.state);
    }
    return this.before[step];
  }
}

/** The receiver's state before a step: after its previous delivery. */
function stateBefore(trace: TraceEvent[], step: number): string | undefined {
  const to = trace[step]!.to;
  for (let s = step - 1; s >= 0; s--) if (trace[s]!.to === to) return trace[s]!.state;
  return undefined;
}

/** The call chain of a step, itself first: through calls to the step that made them; a return
 * skips the callee's work and resumes at the caller's own call. It ends at a return to a thread. */
export function chain(trace: TraceEvent[], step: number): TraceEvent[] {
  const out: TraceEvent[] = [];
  let s: number | null = step;
  while (s !== null && trace[s]) {
    const ev: TraceEvent = trace[s]!;
    if (out.length && isReturn(ev) && isThread(ev.to)) break;
    out.push(ev);
    if (!isReturn(ev)) {
      s = ev.cause;
      continue;
    }
    // Back through the callee to the call the receiver made, then to what made it call.
    let t: number | null = ev.cause;
    while (t !== null && !(trace[t]!.from === ev.to && !isReturn(trace[t]!))) t = trace[t]!.cause;
    s = t === null ? null : trace[t]!.cause;
  }
  return out;
}

const framesOf = (trace: TraceEvent[], ev: TraceEvent, before?: StatesBefore): string[] => {
  const known = before?.frames.get(ev.step);
  if (known) return known;
  const frames = framesOfStep(trace, ev, before);
  before?.frames.set(ev.step, frames);
  return frames;
};

const framesOfStep = (trace: TraceEvent[], ev: TraceEvent, before?: StatesBefore): string[] => {
  const segs = new Set<string>([ev.event]);
  framesIn(ev.state, segs);
  framesIn(before ? before.at(ev.step) : stateBefore(trace, ev.step), segs);
  if (ev.args.why === 'finish_task_switch') segs.add('finish_task_switch');
  // The function a message calls names the step before the state the receiver happens to be in.
  const own = FRAMES.includes(ev.event) ? [ev.event] : [];
  return [...own, ...FRAMES.filter((f) => segs.has(f) && f !== ev.event)];
};

/** A thread's readable name: the page-request IRQ thread, the delayed_fput kworker, a task. */
export const threadName = (ctx: unknown): string =>
  ctx === 'prq' ? 'prq_event_thread' : ctx === 'kworker' ? 'kworker/delayed_fput' : String(ctx);

/** `exit_mmap (process#1)`: the innermost kernel path of the call chain, and the thread. A file
 * is freed by __fput whatever its release was doing. */
export function attribute(trace: TraceEvent[], step: number, kind?: string, before?: StatesBefore): string {
  const c = chain(trace, step);
  let found: string[] = [];
  for (const e of c) {
    const f = framesOf(trace, e, before);
    if (f.length) {
      found = f;
      break;
    }
  }
  const frame = (kind === 'file' && found.includes('__fput') ? '__fput' : found[0]) ?? trace[step]?.event ?? '?';
  let ctx: unknown;
  for (const e of c) {
    if (typeof e.args.ctx === 'string') {
      ctx = e.args.ctx;
      break;
    }
  }
  return `${frame} (${threadName(ctx ?? trace[step]?.from ?? '?')})`;
}
