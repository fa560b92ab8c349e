// The device file: f_count, fput → __fput → the driver's release (fs/file_table.c, v4.4), and the
// driver's ioctls (bind a PASID, queue DMA, unbind). The final fput from a task is deferred with
// task_work_add; from a kthread, or once task_work_add fails, it goes to delayed_fput.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { callerOf, ret, send } from './emit.ts';
import { isKthread, obj, patch, type Objs } from './objects.ts';

interface Ctx {
  id: string;
  dev: string;
  svm: string;
  owner: string;
  mm: string;
  objs: Objs;
  /** The PASID this file bound (the driver's private data), and its svm. */
  pasid: number | null;
  svmObj: string | null;
  /** Who called the operation in progress, and on which thread. */
  caller: { from: string; fn: string } | null;
  ctx: string;
  /** The caller of the last fput, answered once the final fput is queued. */
  fputCaller: { from: string; fn: string } | null;
  /** Only with dma-stop-slow allowed: the budget of release's timed wait for the stop, and which
   * message of its race (the ack, or the timer) is still in flight. */
  stopTimer?: number;
  stop?: { left: number; disarmed: boolean; ackLate: boolean };
}
type Ev = { type: string; from?: string; [k: string]: unknown };

const count = (c: Ctx) => c.objs[c.id]?.f_count ?? 0;

export const fileMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; dev: string; svm: string; stopTimer?: number } },
  actions: {
    // do_sys_open → alloc_file: f_count 1 for the fd table.
    alloc_file: enqueueActions(({ context, event, enqueue }) => {
      const owner = String(event.owner);
      enqueue.assign({ owner, mm: String(event.mm), objs: { [context.id]: obj('file', owner, { f_count: 1, refs: [] }) } });
      enqueue.emit(ret(callerOf(event)));
    }),
    // get_file: f_count +1 (mmap_region's vma->vm_file).
    get_file: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ objs: patch(context.objs, context.id, { f_count: count(context) + 1 }) });
      enqueue.emit(ret(callerOf(event)));
    }),
    // fput: f_count -1; a non-final fput returns at once.
    fput: assign(({ context, event }) => ({
      objs: patch(context.objs, context.id, { f_count: count(context) - 1 }),
      fputCaller: callerOf(event),
      ctx: String(event.ctx),
    })),
    returnFromFput: emit(({ context }) => ret(context.fputCaller)),
    // task_work_add(current, ____fput): ask the task to run __fput on its way out.
    task_work_add: emit(({ context }) => send(context.ctx, { type: 'task_work_add', file: context.id })),
    // schedule_delayed_work(&delayed_fput_work): __fput later, from a kworker.
    delayed_fput: emit(({ context }) => send(context.id, { type: 'delayed_fput', ctx: 'kworker' }, 'workqueue')),
    // delayed_fput is the workqueue's own work: nobody waits for it.
    rememberCaller: assign(({ event }) => ({
      caller: event.type === 'delayed_fput' ? null : callerOf(event),
      ctx: String(event.ctx),
    })),
    // The driver's ioctl: intel_svm_bind_mm(dev, &pasid, 0, ops) in the caller's context; a
    // supervisor bind passes SVM_FLAG_SUPERVISOR_MODE (no mm: kernel addresses).
    intel_svm_bind_mm: emit(({ context, event }) =>
      send(context.svm, { type: 'intel_svm_bind_mm', ctx: context.ctx, dev: context.dev, owner: context.owner, ...(event.supervisor ? { mm: null, supervisor: true } : { mm: context.mm }) }),
    ),
    storePasid: assign(({ context, event }) => ({
      pasid: Number(event.pasid),
      svmObj: String(event.svm),
      objs: patch(context.objs, context.id, { refs: [String(event.svm)] }),
    })),
    // The driver's ioctl: queue DMA jobs on the device for this file's PASID.
    dma_submit: emit(({ context, event }) =>
      send(context.dev, {
        type: 'dma_submit',
        // A scenario's `pasid`: the device is told a PASID this file never bound (a buggy driver).
        pasid: event.pasid ?? context.pasid,
        addr: event.addr,
        write: event.write,
        count: event.count,
        wait: event.wait,
        forMm: context.mm,
        // The page request flags the device sets for these jobs (a scenario's `request`).
        ...(event.request ? { request: event.request } : {}),
      }),
    ),
    // release: stop the device's work for the PASID and wait for it (the intel-svm.h contract).
    // With dma-stop-slow allowed the wait is timed (wait_for_completion_timeout): the timer
    // travels on a lane of its own and races the device's ack.
    dma_stop: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(send(context.dev, { type: 'dma_stop', pasid: context.pasid }));
      if ((context.stopTimer ?? 0) === 0) return;
      // The timer's two outcomes, pass first: the default completion waits for the ack.
      enqueue.assign({ stop: { left: 2, disarmed: false, ackLate: false } });
      enqueue.emit(send(context.id, { type: 'stop_pass' }, 'pass'));
      enqueue.emit(send(context.id, { type: 'dma_stop_timeout' }, 'timer'));
    }),
    // One of the timer's outcomes arrived; the first disarms it (pass) or, still armed, fires.
    timerOutcome: assign(({ context }) => ({ stop: { ...context.stop!, left: context.stop!.left - 1, disarmed: true } })),
    // dma-stop-slow fired: the wait timed out; release unbinds with the device's work outstanding.
    stop_timed_out: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ stopTimer: context.stopTimer! - 1, stop: { left: context.stop!.left - 1, disarmed: true, ackLate: true } });
      enqueue.emit({ type: 'fault', kind: 'dma-stop-slow', message: `${context.id}'s release timed out waiting for ${context.dev} to ack dma_stop (PASID ${String(context.pasid)}); it unbinds anyway` } as never);
    }),
    lateAck: assign(({ context }) => (context.stop ? { stop: { ...context.stop, ackLate: false } } : {})),

    // intel_svm_unbind_mm(dev, pasid).
    intel_svm_unbind_mm: emit(({ context }) =>
      send(context.svm, { type: 'intel_svm_unbind_mm', ctx: context.ctx, dev: context.dev, pasid: context.pasid }),
    ),
    forgetPasid: assign(({ context }) => ({ pasid: null, svmObj: null, objs: patch(context.objs, context.id, { refs: [] }) })),
    // __fput ends: file_free.
    file_free: assign(({ context }) => ({ objs: patch(context.objs, context.id, { alive: false }) })),
    returnToCaller: emit(({ context, event }) => ret(context.caller, event.type === 'ret.intel_svm_bind_mm' ? { pasid: event.pasid } : {})),
  },
  guards: {
    isLastRef: ({ context }) => count(context) === 0,
    fromKthread: ({ context }) => isKthread(context.ctx),
    taskWorkQueued: ({ event }) => event.ok === true,
    isBound: ({ context }) => context.pasid !== null,
    stopArmed: ({ context }) => context.stop?.disarmed === false,
    // Something of the dma_stop race is still in flight: the timer's outcomes, or the late ack.
    raceInFlight: ({ context }) => !!context.stop && (context.stop.left > 0 || context.stop.ackLate),
    lastOfRace: ({ context, event }) => {
      const st = context.stop!;
      const left = event.type === 'ret.dma_stop' ? st.left : st.left - 1;
      const ackLate = event.type === 'ret.dma_stop' ? false : st.ackLate;
      return left === 0 && !ackLate;
    },
  },
}).createMachine({
  id: 'file',
  context: ({ input }) => ({
    ...input,
    owner: '',
    mm: '',
    objs: {},
    pasid: null,
    svmObj: null,
    caller: null,
    ctx: '',
    fputCaller: null,
  }),
  initial: 'unallocated',
  states: {
    unallocated: {
      on: { open: { target: 'open', actions: 'alloc_file' } },
    },
    open: {
      on: {
        get_file: { actions: 'get_file' },
        // dup_fd (fork, or clone without CLONE_FILES): get_file for the copied fd.
        dup_fd: { actions: 'get_file' },
        // sendmsg(SCM_RIGHTS) → scm_fp_copy: fget, the reference the message carries.
        scm_fp_copy: { actions: 'get_file' },
        // filp_close: f_op->flush (nothing to do here), then fput.
        filp_close: { target: '.fput', actions: 'fput' },
        fput: { target: '.fput', actions: 'fput' },
        // A failed sendmsg(SCM_RIGHTS) → scm_destroy → __scm_destroy: fput of the message's reference.
        scm_destroy: { target: '.fput', actions: 'fput' },
      },
      initial: 'idle',
      states: {
        idle: {
          on: {
            ioctl_bind: { target: 'ioctl_bind', actions: ['rememberCaller', 'intel_svm_bind_mm'] },
            ioctl_dma: { target: 'ioctl_dma', actions: ['rememberCaller', 'dma_submit'] },
            ioctl_unbind: { target: 'ioctl_unbind', actions: ['rememberCaller', 'intel_svm_unbind_mm'] },
          },
        },
        ioctl_bind: {
          tags: ['waiting'],
          on: { 'ret.intel_svm_bind_mm': { target: 'idle', actions: ['storePasid', 'returnToCaller'] } },
        },
        ioctl_dma: {
          tags: ['waiting'],
          on: { 'ret.dma_submit': { target: 'idle', actions: 'returnToCaller' } },
        },
        ioctl_unbind: {
          tags: ['waiting'],
          on: { 'ret.intel_svm_unbind_mm': { target: 'idle', actions: ['forgetPasid', 'returnToCaller'] } },
        },
        // fput: was it the last reference?
        fput: {
          always: [
            { guard: 'isLastRef', target: '#file.final_fput' },
            { target: 'idle', actions: 'returnFromFput' },
          ],
        },
      },
    },
    // f_count hit 0: defer __fput to the task, or to delayed_fput from a kthread.
    final_fput: {
      always: [
        { guard: 'fromKthread', target: 'deferred', actions: ['delayed_fput', 'returnFromFput'] },
        { target: 'task_work_add' },
      ],
    },
    task_work_add: {
      tags: ['waiting'],
      entry: 'task_work_add',
      on: {
        'ret.task_work_add': [
          { guard: 'taskWorkQueued', target: 'deferred', actions: 'returnFromFput' },
          // task_work_add failed: exit_task_work already ran, use delayed_fput.
          { target: 'deferred', actions: ['delayed_fput', 'returnFromFput'] },
        ],
      },
    },
    // Waiting for ____fput (task work) or delayed_fput_work (kworker) to run __fput.
    deferred: {
      on: {
        __fput: { target: '__fput', actions: 'rememberCaller' },
        delayed_fput: { target: '__fput', actions: 'rememberCaller' },
      },
    },
    // __fput → f_op->release: the driver's release, then file_free.
    __fput: {
      initial: 'release',
      states: {
        release: {
          always: [{ guard: 'isBound', target: 'dma_stop' }, { target: '#file.freed', actions: ['file_free', 'returnToCaller'] }],
        },
        // Stop the device's work for the PASID; the device answers when nothing is outstanding.
        dma_stop: {
          tags: ['waiting'],
          entry: 'dma_stop',
          on: {
            'ret.dma_stop': 'intel_svm_unbind_mm',
            stop_pass: { actions: 'timerOutcome' },
            dma_stop_timeout: [{ guard: 'stopArmed', target: 'intel_svm_unbind_mm', actions: 'stop_timed_out' }, { actions: 'timerOutcome' }],
          },
        },
        intel_svm_unbind_mm: {
          tags: ['waiting'],
          entry: 'intel_svm_unbind_mm',
          on: {
            // What is left of the dma_stop race, arriving during the unbind.
            'ret.dma_stop': { actions: 'lateAck' },
            stop_pass: { actions: 'timerOutcome' },
            dma_stop_timeout: { actions: 'timerOutcome' },
            'ret.intel_svm_unbind_mm': [
              { guard: 'raceInFlight', target: 'del_timer_sync', actions: 'forgetPasid' },
              { target: '#file.freed', actions: ['forgetPasid', 'file_free', 'returnToCaller'] },
            ],
          },
        },
        // Before the driver frees its per-file context: the timer (del_timer_sync) and the
        // device's late ack, whatever of the race is still in flight.
        del_timer_sync: {
          tags: ['waiting'],
          on: {
            stop_pass: [{ guard: 'lastOfRace', target: '#file.freed', actions: ['timerOutcome', 'file_free', 'returnToCaller'] }, { actions: 'timerOutcome' }],
            dma_stop_timeout: [{ guard: 'lastOfRace', target: '#file.freed', actions: ['timerOutcome', 'file_free', 'returnToCaller'] }, { actions: 'timerOutcome' }],
            'ret.dma_stop': [{ guard: 'lastOfRace', target: '#file.freed', actions: ['lateAck', 'file_free', 'returnToCaller'] }, { actions: 'lateAck' }],
          },
        },
      },
    },
    // file_free: any later use is a use after free (the host reports it).
    freed: {},
  },
});
