// The files_struct of tasks that share an fd table (clone with CLONE_FILES; kernel/fork.c,
// fs/file.c at v4.4): its count, one per task, and the open fds. Only a world with such a clone
// has one; a task alone keeps its fds in its own context. exit_files → put_files_struct: the
// last put runs close_files, filp_close of every fd in that task's context, so a final fput there
// queues ____fput on the task that put last.
import { assign, enqueueActions, setup } from 'xstate';
import { callerOf, ret, send } from './emit.ts';

interface Ctx {
  id: string;
  /** files->count: the tasks that use this table. */
  count: number;
  /** The fd table: open files, in fd order. */
  fds: string[];
  /** The caller of the last put, and its thread: close_files runs there. */
  caller: { from: string; fn: string } | null;
  ctx: string;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

export const filesMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string } },
  actions: {
    // fd_install(fd, file): the new file in the table.
    fd_install: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ fds: [...context.fds, String(event.file)] });
      enqueue.emit(ret(callerOf(event)));
    }),
    // __close_fd: take the fd out of the table; the caller's filp_close follows.
    __close_fd: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ fds: context.fds.filter((f) => f !== event.file) });
      enqueue.emit(ret(callerOf(event)));
    }),
    // copy_files with CLONE_FILES: atomic_inc(&oldf->count).
    get_files: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ count: context.count + 1 });
      enqueue.emit(ret(callerOf(event)));
    }),
    // put_files_struct: atomic_dec_and_test(&files->count).
    put_files_struct: assign(({ context, event }) => ({ count: context.count - 1, caller: callerOf(event), ctx: String(event.ctx) })),
    // close_files → filp_close of the lowest open fd, in the last putter's context.
    filp_close: enqueueActions(({ context, enqueue }) => {
      const [file, ...rest] = context.fds;
      enqueue.assign({ fds: rest });
      enqueue.emit(send(file!, { type: 'filp_close', ctx: context.ctx }));
    }),
    returnToCaller: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(ret(context.caller));
      enqueue.assign({ caller: null });
    }),
  },
  guards: {
    isLastPut: ({ context }) => context.count === 0,
    hasOpenFds: ({ context }) => context.fds.length > 0,
  },
}).createMachine({
  id: 'files',
  context: ({ input }) => ({ ...input, count: 1, fds: [], caller: null, ctx: '' }),
  initial: 'shared',
  states: {
    // In use by `count` tasks.
    shared: {
      on: {
        fd_install: { actions: 'fd_install' },
        __close_fd: { actions: '__close_fd' },
        get_files: { actions: 'get_files' },
        put_files_struct: { target: 'put_files_struct', actions: 'put_files_struct' },
      },
    },
    put_files_struct: {
      always: [{ guard: 'isLastPut', target: 'close_files' }, { target: 'shared', actions: 'returnToCaller' }],
    },
    // close_files: filp_close every open fd, one at a time.
    close_files: {
      always: [{ guard: 'hasOpenFds', target: 'filp_close', actions: 'filp_close' }, { target: 'freed', actions: 'returnToCaller' }],
    },
    filp_close: {
      tags: ['waiting'],
      on: { 'ret.filp_close': 'close_files' },
    },
    // free_fdtable, kmem_cache_free(files_cachep): nobody uses it again.
    freed: {},
  },
});
