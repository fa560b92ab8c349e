// fifo: the oldest deliverable message, a run without preemption. A context switch (the `sched`
// lane: finish_task_switch's mmdrop) happens only when nothing else can run, as when the exiting
// task reaches its final schedule(); other strategies may place it anywhere after exit_mm.
import type { Strategy } from '../runtime/strategy.ts';

export const fifo = (): Strategy => ({
  name: 'fifo',
  beginRun() {},
  pick(enabled) {
    const i = enabled.findIndex((m) => m.event.lane !== 'sched');
    return i < 0 ? 0 : i;
  },
});
