// nonpreemptive: run the thread of the last delivery on while it can (the oldest message that
// delivery sent), as a kernel without preemption would; when it blocks or ends, fall back to fifo.
// The completion for shrinking: every switch it makes is free (see ./preemption.ts).
import type { TraceEvent } from '../runtime/types.ts';
import type { ExploringStrategy } from './exploring.ts';
import { fifo } from './fifo.ts';

export function nonpreemptive(): ExploringStrategy {
  const rest = fifo();
  let lastStep: number | null = null;
  return {
    name: 'nonpreemptive',
    beginRun() {
      lastStep = null;
    },
    pick(enabled, step) {
      const i = enabled.findIndex((m) => m.cause === lastStep && m.event.lane !== 'sched');
      return i >= 0 && lastStep !== null ? i : rest.pick(enabled, step);
    },
    observe(ev: TraceEvent) {
      lastStep = ev.step;
    },
  };
}
