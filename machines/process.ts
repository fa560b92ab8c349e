// The task: runs its scenario steps as syscalls, then do_exit in the v4.4 order (kernel/exit.c):
// exit_mm (active_mm mm_count +1, mmput) → exit_files → exit_task_work; the active_mm's mmdrop
// comes at the first switch away after exit_mm, so it travels on a lane of its own and may land
// anywhere after it (kernel-notes §2.2).
import { assign, emit, enqueueActions, setup } from 'xstate';
import { send } from './emit.ts';
import type { Emitted } from './objects.ts';

/** A scenario step, compiled to actor ids by src/scenario/world.ts. `after` (`process#1:6`): wait
 * until that process has run that step (a started task's first step may wait for two: its clone
 * or fork, and its own after); `notify`: the processes waiting for this one. */
export type Step = (
  | { op: 'open'; file: string }
  | { op: 'bind'; file: string; supervisor?: boolean }
  | { op: 'mmap'; vma: string; file: string | null; start: number; end: number; ro?: boolean }
  | { op: 'touch'; addr: number; write: boolean }
  | { op: 'dma'; file: string; addr: number; write: boolean; count: number; wait: boolean; pasid?: number; request?: Record<string, boolean> }
  | { op: 'munmap'; vma: string }
  | { op: 'close'; file: string }
  | { op: 'unbind'; file: string }
  | { op: 'exit' }
  // clone(CLONE_VM, ...): the thread shares this mm; `table`: the shared fd table (CLONE_FILES), or null: a copy.
  | { op: 'clone'; task: string; table: string | null }
  // fork: dup_fd, then dup_mmap into the child's new mm: one VMA copy each, a file's with get_file.
  | { op: 'fork'; task: string; mm: string; vmas: { vma: string; file: string | null; start: number; end: number; ro?: boolean }[] }
  // sendmsg(SCM_RIGHTS): scm_fp_copy's get_file, then the receiver `to` installs the fd
  // (scm_detach_fds), or, gone, refuses it: scm_destroy fputs the reference in the sender.
  | { op: 'send_fd'; file: string; to: string }
) & { after?: string | string[]; notify?: string[]; /** open, close on a shared fd table: its files_struct. */ files?: string };

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
  /** Only for a task whose fd table a clone shares (CLONE_FILES): the files_struct actor, which
   * holds the table then (`fds` stays empty). */
  files?: string;
  /** Only in a syscall of several calls (`calls`): how many have been made. */
  sub?: number;
  /** Only for a task with send_fd steps: true in a send whose receiver was gone (scm_destroy's
   * fput is still to come), false otherwise. */
  refused?: boolean;
  /** Only for a task some send_fd passes an fd to: close_files has run (its socket is released). */
  filesExited?: boolean;
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
      return send(s.file, { type: 'ioctl_bind', ctx, ...(s.supervisor ? { supervisor: true } : {}) });
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

/** The calls of a syscall that makes several, in order, or null for a one-message syscall.
 * copy_process (kernel/fork.c): copy_files (CLONE_FILES: get_files; else dup_fd, get_file of
 * each open fd), then copy_mm (CLONE_VM: mmget; fork: dup_mmap's copy of each VMA, which takes
 * get_file of a file-backed one, as mmap_region does). On a shared fd table, open ends with
 * fd_install and close begins with __close_fd, both in the files_struct. */
function callsOf(c: Ctx, s: Step): Emitted[] | null {
  const ctx = c.id;
  const dupFd = () => c.fds.map((f) => send(f, { type: 'dup_fd', ctx }));
  switch (s.op) {
    case 'open':
      return s.files ? [syscall(c, s), send(s.files, { type: 'fd_install', ctx, file: s.file })] : null;
    case 'close':
      return s.files ? [send(s.files, { type: '__close_fd', ctx, file: s.file }), syscall(c, s)] : null;
    case 'clone':
      return [...(s.table ? [send(s.table, { type: 'get_files', ctx })] : dupFd()), send(c.mm, { type: 'mmget', ctx })];
    case 'send_fd':
      return [send(s.file, { type: 'scm_fp_copy', ctx }), send(s.to, { type: 'scm_detach_fds', ctx, file: s.file }), ...(c.refused ? [send(s.file, { type: 'scm_destroy', ctx })] : [])];
    case 'fork':
      return [...dupFd(), ...s.vmas.map((v) => send(s.mm, { type: 'mmap_region', ctx, vma: v.vma, file: v.file, start: v.start, end: v.end, ...(v.ro ? { ro: true } : {}) }))];
    default:
      return null;
  }
}

export const processMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; mm: string; steps: Step[]; files?: string; fds?: string[]; receives?: boolean } },
  actions: {
    // The next scenario step, as the syscall it is.
    enterSyscall: emit(({ context }) => syscall(context, step(context)!)),
    // The next call of a syscall that makes several.
    nextCall: enqueueActions(({ context, enqueue }) => {
      const sub = context.sub ?? 0;
      enqueue.assign({ sub: sub + 1 });
      enqueue.emit(callsOf(context, step(context)!)![sub]!);
    }),
    // The syscall returned: track the fd table (a shared one is the files_struct's), move on.
    returnFromSyscall: assign(({ context }) => {
      const s = step(context)!;
      const own = !context.files;
      const fds =
        own && s.op === 'open' ? [...context.fds, s.file] : own && s.op === 'close' ? context.fds.filter((f) => f !== s.file) : context.fds;
      return context.sub === undefined ? { fds, pc: context.pc + 1 } : { fds, pc: context.pc + 1, sub: 0, ...(context.refused ? { refused: false } : {}) };
    }),
    // A call of the syscall returned: a send_fd's receiver may have refused it.
    noteRefusal: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'ret.scm_detach_fds' && event.ok === false) enqueue.assign({ refused: true });
    }),
    // recvmsg → scm_detach_fds: fd_install of a new fd on the passed file, whose reference the
    // skb carried (the sender's scm_fp_copy). Once close_files has released this task's socket,
    // the sender's unix_stream_sendmsg fails instead (its scm_destroy fputs the file).
    scm_detach_fds: enqueueActions(({ context, event, enqueue }) => {
      const ok = context.filesExited !== true;
      if (ok) enqueue.assign({ fds: [...context.fds, String(event.file)] });
      enqueue.emit(send(String(event.from), { type: 'ret.scm_detach_fds', ok }));
    }),
    // close_files closes the task's socket too: unix_release_sock, after which no fd reaches it.
    unix_release_sock: enqueueActions(({ context, enqueue }) => {
      if (context.filesExited === false) enqueue.assign({ filesExited: true });
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
    // exit_files → put_files_struct: the shared table's count; the last put closes every fd.
    put_files_struct: emit(({ context }) => send(context.files!, { type: 'put_files_struct', ctx: context.id })),
    // The last task_work_run of exit_task_work: the list is marked exited.
    markWorkExited: assign({ workExited: true }),
  },
  guards: {
    allStepsDone: ({ context }) => context.pc >= context.steps.length,
    nextIsExit: ({ context }) => step(context)?.op === 'exit',
    hasTaskWork: ({ context }) => context.taskWorks.length > 0,
    hasOpenFds: ({ context }) => context.fds.length > 0,
    sharesFiles: ({ context }) => context.files !== undefined,
    makesCalls: ({ context }) => callsOf(context, step(context)!) !== null,
    moreCalls: ({ context }) => (context.sub ?? 0) < callsOf(context, step(context)!)!.length,
    // The next step waits for a step of another process that has not run yet.
    blockedAfter: ({ context }) => {
      const a = step(context)?.after;
      return a !== undefined && [a].flat().some((k) => !(context.afterDone ?? []).includes(k));
    },
  },
}).createMachine({
  id: 'process',
  context: ({ input: { receives, ...input } }) => ({ ...input, pc: 0, fds: input.fds ?? [], taskWorks: [], workExited: false, ...(input.steps.some((s) => s.after) ? { afterDone: [] } : {}), ...(receives ? { filesExited: false } : {}), ...(input.steps.some((s) => s.op === 'send_fd') ? { refused: false } : {}) }),
  on: {
    task_work_add: { actions: 'task_work_add' },
    scm_detach_fds: { actions: 'scm_detach_fds' },
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
        { guard: 'makesCalls', target: 'calls' },
        { target: 'syscall', actions: 'enterSyscall' },
      ],
    },
    // A syscall of several calls (copy_process of a clone or fork; open or close on a shared fd
    // table), each waiting for its return.
    calls: {
      always: [
        { guard: 'moreCalls', target: 'call', actions: 'nextCall' },
        { target: 'user_mode', actions: ['returnFromSyscall', { type: 'notifyAfter', params: { back: 1 } }] },
      ],
    },
    call: {
      tags: ['waiting'],
      on: { 'ret.*': { target: 'calls', actions: 'noteRefusal' } },
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
          always: [{ guard: 'sharesFiles', target: 'put_files_struct' }, { guard: 'hasOpenFds', target: 'filp_close' }, { target: 'exit_task_work', actions: 'unix_release_sock' }],
        },
        // A shared table: put_files_struct, which closes the fds only at the last put.
        put_files_struct: {
          tags: ['waiting'],
          entry: 'put_files_struct',
          on: { 'ret.put_files_struct': 'exit_task_work' },
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
