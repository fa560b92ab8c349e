// The task: runs its scenario steps as syscalls, then do_exit in the v4.4 order (kernel/exit.c):
// exit_mm (active_mm mm_count +1, mmput) → exit_files → exit_task_work; the active_mm's mmdrop
// comes at the first switch away after exit_mm, so it travels on a lane of its own and may land
// anywhere after it (kernel-notes §2.2).
import { assign, emit, enqueueActions, setup } from 'xstate';
import { send } from './emit.ts';

/** A scenario step, compiled to actor ids by src/scenario/world.ts. `after` (`process#1:6`): wait
 * until that process has run that step; `notify`: the processes waiting for this one. */
export type Step = (
  | { op: 'open'; file: string }
  | { op: 'bind'; file: string }
  | { op: 'mmap'; vma: string; file: string | null; start: number; end: number; ro?: boolean }
  | { op: 'touch'; addr: number; write: boolean }
  | { op: 'dma'; file: string; addr: number; write: boolean; count: number; wait: boolean; pasid?: number; request?: Record<string, boolean> }
  | { op: 'munmap'; vma: string }
  | { op: 'close'; file: string }
  | { op: 'unbind'; file: string }
  | { op: 'exit' }
) & { after?: string; notify?: string[] };

interface Ctx {
  id: string;
  mm: string;
  steps: Step[];
  pc: number;
  /** The fd table: open files, in fd order. */
  fds: string[];
  /** task_work list: files whose final __fput was deferred to this task (____fput). */
  taskWorks: string[];
  /** exit_task_work has found the list empty: task_work_add fails from now on. */
  workExited: boolean;
  /** Only with `after` steps: the steps of other processes known to have run. */
  afterDone?: string[];
}
type Ev = { type: string; from?: string; [k: string]: unknown };

const step = (c: Ctx): Step | undefined => c.steps[c.pc];

/** The message a syscall step sends: to the mm, the file (the driver's ioctls) or the fd. */
function syscall(c: Ctx, s: Step) {
  const ctx = c.id;
  switch (s.op) {
    case 'open':
      return send(s.file, { type: 'open', ctx, owner: c.id, mm: c.mm });
    case 'bind':
      return send(s.file, { type: 'ioctl_bind', ctx });
    case 'mmap':
      return send(c.mm, { type: 'mmap_region', ctx, vma: s.vma, file: s.file, start: s.start, end: s.end, ...(s.ro ? { ro: true } : {}) });
    case 'touch':
      return send(c.mm, { type: 'handle_mm_fault', ctx, vma: null, addr: s.addr, write: s.write, forMm: c.mm });
    case 'dma':
      return send(s.file, { type: 'ioctl_dma', ctx, addr: s.addr, write: s.write, count: s.count, wait: s.wait, ...(s.pasid !== undefined ? { pasid: s.pasid } : {}), ...(s.request ? { request: s.request } : {}) });
    case 'munmap':
      return send(c.mm, { type: 'do_munmap', ctx, vma: s.vma });
    case 'close':
      return send(s.file, { type: 'filp_close', ctx });
    case 'unbind':
      return send(s.file, { type: 'ioctl_unbind', ctx });
    default:
      throw new Error(`no syscall for step ${s.op}`);
  }
}

export const processMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; mm: string; steps: Step[] } },
  actions: {
    // The next scenario step, as the syscall it is.
    enterSyscall: emit(({ context }) => syscall(context, step(context)!)),
    // The syscall returned: track the fd table, move to the next step.
    returnFromSyscall: assign(({ context }) => {
      const s = step(context)!;
      const fds =
        s.op === 'open' ? [...context.fds, s.file] : s.op === 'close' ? context.fds.filter((f) => f !== s.file) : context.fds;
      return { fds, pc: context.pc + 1 };
    }),
    // The step just run (after returnFromSyscall: pc - 1), or the exit once the task is gone (pc),
    // is one that other processes wait for.
    notifyAfter: enqueueActions(({ context, enqueue }, p: { back: number }) => {
      const at = context.pc - p.back;
      for (const w of context.steps[at]?.notify ?? []) enqueue.emit(send(w, { type: 'after_done', key: `${context.id}:${at}` }));
    }),
    // Another process ran a step that a step here waits for.
    afterDone: assign(({ context, event }) => ({ afterDone: [...(context.afterDone ?? []), String(event.key)] })),
    // task_work_add: queue ____fput for this task; it runs on return to user mode or at exit.
    task_work_add: enqueueActions(({ context, event, enqueue }) => {
      const ok = !context.workExited;
      if (ok) enqueue.assign({ taskWorks: [...context.taskWorks, String(event.file)] });
      enqueue.emit(send(String(event.from), { type: 'ret.task_work_add', ok }));
    }),
    // task_work_run: run the first queued work, ____fput → __fput of that file.
    task_work_run: enqueueActions(({ context, enqueue }) => {
      const [file, ...rest] = context.taskWorks;
      enqueue.assign({ taskWorks: rest });
      enqueue.emit(send(file!, { type: '__fput', ctx: context.id }));
    }),
    // exit_mm: atomic_inc(&mm->mm_count) for the lazy active_mm (kernel/exit.c).
    exit_mm: emit(({ context }) => send(context.mm, { type: 'exit_mm', ctx: context.id })),
    // exit_mm → mmput(mm): the task's own mm_users reference.
    mmput: emit(({ context }) => send(context.mm, { type: 'mmput', ctx: context.id })),
    // finish_task_switch → mmdrop(prev_mm): at the first switch away, on the scheduler's lane.
    finish_task_switch: emit(({ context }) =>
      send(context.mm, { type: 'mmdrop', ctx: context.id, why: 'finish_task_switch' }, 'sched'),
    ),
    // exit_files → close_files → filp_close of the lowest open fd.
    filp_close: enqueueActions(({ context, enqueue }) => {
      const [file, ...rest] = context.fds;
      enqueue.assign({ fds: rest });
      enqueue.emit(send(file!, { type: 'filp_close', ctx: context.id }));
    }),
    // The last task_work_run of exit_task_work: the list is marked exited.
    markWorkExited: assign({ workExited: true }),
  },
  guards: {
    allStepsDone: ({ context }) => context.pc >= context.steps.length,
    nextIsExit: ({ context }) => step(context)?.op === 'exit',
    hasTaskWork: ({ context }) => context.taskWorks.length > 0,
    hasOpenFds: ({ context }) => context.fds.length > 0,
    // The next step waits for a step of another process that has not run yet.
    blockedAfter: ({ context }) => {
      const a = step(context)?.after;
      return a !== undefined && !(context.afterDone ?? []).includes(a);
    },
  },
}).createMachine({
  id: 'process',
  context: ({ input }) => ({ ...input, pc: 0, fds: [], taskWorks: [], workExited: false, ...(input.steps.some((s) => s.after) ? { afterDone: [] } : {}) }),
  on: {
    task_work_add: { actions: 'task_work_add' },
    after_done: { actions: 'afterDone' },
  },
  initial: 'user_mode',
  states: {
    // Running in user mode: return-to-user runs queued task work first, then the next step.
    user_mode: {
      always: [
        { guard: 'hasTaskWork', target: 'task_work_run' },
        { guard: 'allStepsDone', target: 'running' },
        { guard: 'blockedAfter', target: 'after_wait' },
        { guard: 'nextIsExit', target: 'do_exit' },
        { target: 'syscall', actions: 'enterSyscall' },
      ],
    },
    // Inside a syscall, waiting for it to return.
    syscall: {
      tags: ['waiting'],
      on: { 'ret.*': { target: 'user_mode', actions: ['returnFromSyscall', { type: 'notifyAfter', params: { back: 1 } }] } },
    },
    // The next step is ordered after another process's step (`after`): wait to hear it ran.
    after_wait: {
      tags: ['waiting'],
      on: { after_done: { target: 'user_mode', actions: 'afterDone' } },
    },
    // task_work_run on return to user mode (____fput of a deferred final fput).
    task_work_run: {
      tags: ['waiting'],
      entry: 'task_work_run',
      on: { 'ret.__fput': 'user_mode' },
    },
    // No steps left: the process stays alive and keeps what it holds.
    running: {},
    // do_exit (kernel/exit.c), v4.4 order.
    do_exit: {
      initial: 'exit_mm',
      states: {
        // exit_mm: take mm_count for the lazy active_mm.
        exit_mm: {
          tags: ['waiting'],
          entry: 'exit_mm',
          on: { 'ret.exit_mm': { target: 'mmput', actions: 'finish_task_switch' } },
        },
        // exit_mm → mmput: may run exit_mmap in this task's context.
        mmput: {
          tags: ['waiting'],
          entry: 'mmput',
          on: { 'ret.mmput': 'exit_files' },
        },
        // exit_files: filp_close every open fd.
        exit_files: {
          always: [{ guard: 'hasOpenFds', target: 'filp_close' }, { target: 'exit_task_work' }],
        },
        filp_close: {
          tags: ['waiting'],
          entry: 'filp_close',
          on: { 'ret.filp_close': 'exit_files' },
        },
        // exit_task_work: task_work_run until the list stays empty.
        exit_task_work: {
          always: [{ guard: 'hasTaskWork', target: 'task_work_run' }, { target: '#process.dead', actions: ['markWorkExited', { type: 'notifyAfter', params: { back: 0 } }] }],
        },
        task_work_run: {
          tags: ['waiting'],
          entry: 'task_work_run',
          on: { 'ret.__fput': 'exit_task_work' },
        },
      },
    },
    // exit_notify and the final schedule(): the task is gone.
    dead: {},
  },
});
