// The mmu-notifier SRCU (mm/mmu_notifier.c, v4.4: `static struct srcu_struct srcu;`): ONE
// srcu_struct for every mm. A reader is a thread (its `ctx`) between srcu_read_lock and
// srcu_read_unlock; synchronize_srcu returns once every reader that was inside when it was called
// has left. Readers that enter later do not hold it up, and several synchronize_srcu may wait at
// once, each for its own set. Each call returns `ret.<fn>` to the caller with the caller's `tag`.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { callerOf, ret } from './emit.ts';

type Ev = { type: string; from?: string; [k: string]: unknown };
/** A synchronize_srcu in progress: its caller and the readers its grace period waits for. */
interface Waiter {
  caller: { from: string; fn: string };
  tag: unknown;
  waits: string[];
}
interface Ctx {
  id: string;
  /** The threads inside srcu_read_lock(), sorted (one entry per nested lock). */
  readers: string[];
  waiters: Waiter[];
}

const tagOf = (event: Ev) => (event.tag === undefined ? {} : { tag: event.tag });
/** Drop one occurrence of `ctx` from a list of readers. */
const leave = (list: string[], ctx: string) => {
  const i = list.indexOf(ctx);
  return i < 0 ? list : [...list.slice(0, i), ...list.slice(i + 1)];
};

export const srcuMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string } },
  actions: {
    // srcu_read_lock(&srcu): the reader's counter of the current index +1; never blocks.
    srcu_read_lock: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ readers: [...context.readers, String(event.ctx)].sort() });
      enqueue.emit(ret(callerOf(event), tagOf(event)));
    }),
    // srcu_read_unlock(&srcu, idx): the reader leaves; every grace period left with no reader ends
    // and its synchronize_srcu returns.
    srcu_read_unlock: enqueueActions(({ context, event, enqueue }) => {
      const ctx = String(event.ctx);
      const waiters: Waiter[] = [];
      for (const w of context.waiters) {
        const waits = leave(w.waits, ctx);
        if (waits.length > 0) waiters.push({ ...w, waits });
        else enqueue.emit(ret(w.caller, w.tag === undefined ? {} : { tag: w.tag }));
      }
      enqueue.assign({ readers: leave(context.readers, ctx), waiters });
      enqueue.emit(ret(callerOf(event), tagOf(event)));
    }),
    // synchronize_srcu(&srcu): with no reader inside, the grace period is over at once.
    synchronize_srcu_now: emit(({ event }) => ret(callerOf(event), tagOf(event))),
    // synchronize_srcu(&srcu): the caller sleeps until the readers inside now have all left.
    synchronize_srcu_wait: assign(({ context, event }) => ({
      waiters: [...context.waiters, { caller: callerOf(event), tag: event.tag, waits: context.readers }],
    })),
  },
  guards: {
    noReaders: ({ context }) => context.readers.length === 0,
    hasWaiters: ({ context }) => context.waiters.length > 0,
    hasReaders: ({ context }) => context.readers.length > 0,
  },
}).createMachine({
  id: 'srcu',
  context: ({ input }) => ({ id: input.id, readers: [], waiters: [] }),
  on: {
    srcu_read_lock: { target: '.settle', actions: 'srcu_read_lock' },
    srcu_read_unlock: { target: '.settle', actions: 'srcu_read_unlock' },
    synchronize_srcu: [
      { guard: 'noReaders', target: '.settle', actions: 'synchronize_srcu_now' },
      { target: '.settle', actions: 'synchronize_srcu_wait' },
    ],
  },
  initial: 'idle',
  states: {
    // What the srcu_struct holds after a call, as the lane shows it.
    settle: {
      always: [{ guard: 'hasWaiters', target: 'synchronize_srcu' }, { guard: 'hasReaders', target: 'srcu_read_lock' }, { target: 'idle' }],
    },
    // No reader inside, no grace period waiting.
    idle: {},
    // Readers inside, no synchronize_srcu waiting for them.
    srcu_read_lock: {},
    // A grace period is waiting for readers that were inside when synchronize_srcu was called.
    synchronize_srcu: {},
  },
});
