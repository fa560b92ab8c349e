// Context switches, as CHESS counts them (Musuvathi & Qadeer, PLDI 2007). A kernel thread here is
// a causal chain of deliveries: a call (process#1 → file#1 ioctl), the calls it makes, the
// returns; each delivery hands control to the messages it sends. A preemption is delivering
// something else while a message the last delivery sent is deliverable: the running thread could
// have gone on. When the last delivery sent nothing deliverable (its thread blocked or ended),
// switching is free. (Counting by receiving actor instead would make almost every step free: a
// call's receiver answers and has nothing left, so a bound of 0 would not bound anything.)
import type { Message, TraceEvent } from '../runtime/types.ts';
import type { ExploringStrategy } from './exploring.ts';

/** `lastStep`: the trace step of the last delivery (null before the first). */
export const isPreemption = (enabled: readonly Message[], chosen: Message, lastStep: number | null): boolean =>
  lastStep !== null && chosen.cause !== lastStep && enabled.some((m) => m.cause === lastStep);

/** Wraps a strategy to count the preemptions of each run (it must see `observe`). */
export function countingPreemptions<S extends ExploringStrategy>(inner: S): S & { preemptions: number } {
  let lastStep: number | null = null;
  const s = Object.create(inner) as S & { preemptions: number };
  s.preemptions = 0;
  s.beginRun = (seed: number) => {
    lastStep = null;
    s.preemptions = 0;
    inner.beginRun(seed);
  };
  s.pick = (enabled, step) => {
    const i = inner.pick(enabled, step);
    if (enabled[i] && isPreemption(enabled, enabled[i], lastStep)) s.preemptions++;
    return i;
  };
  s.observe = (ev: TraceEvent) => {
    lastStep = ev.step;
    inner.observe?.(ev);
  };
  return s;
}
