// prq_event_thread (intel-svm.c): the threaded IRQ handler that serves page requests, one
// descriptor at a time, step by step. A kthread: a final fput it causes goes to delayed_fput.
// The fix adds the mm_users pin (atomic_inc_not_zero ... mmput) around the fault.
import { assign, emit, setup } from 'xstate';
import { access, send } from './emit.ts';
import type { Hunks } from './objects.ts';

interface Req {
  pasid: number;
  addr: number;
  write: boolean;
  dev: string;
  forMm: string;
  /** The Page Request Group index (only with faults that need the device to match responses). */
  prg?: number;
}
interface Ctx {
  id: string;
  iommu: string;
  svm: string;
  hunks: Hunks;
  req: Req | null;
  /** The cached svm and its mm (no reference is held on either). */
  svmObj: string | null;
  mm: string | null;
  vma: string | null;
  result: 'SUCCESS' | 'INVALID' | 'FAILURE';
}
type Ev = { type: string; from?: string; [k: string]: unknown };

export const faultHandlerMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; iommu: string; svm: string; hunks: Hunks } },
  actions: {
    // Read the next descriptor between PQH and PQT.
    prq_next: emit(({ context }) => send(context.iommu, { type: 'prq_next', ctx: context.id })),
    takeReq: assign(({ event }) => ({ req: event.req as Req, result: 'FAILURE' as const, svmObj: null, mm: null, vma: null })),
    // rcu_read_lock(); svm = idr_find(&iommu->pasid_idr, req->pasid).
    idr_find: emit(({ context }) => send(context.svm, { type: 'idr_find', ctx: context.id, pasid: context.req!.pasid })),
    foundSvm: assign(({ event }) => ({ svmObj: String(event.svm), mm: String(event.mm), result: 'INVALID' as const })),
    // A read of the svm this thread holds no reference on (`svm->mm`): KASAN checks it here, at
    // the dereference, where a use after unbind's kfree(svm) touches freed memory.
    svm_mm: emit(({ context }) => access(context.svmObj!, 'prq_event_thread: svm->mm')),
    // The fix: if (!atomic_inc_not_zero(&svm->mm->mm_users)) goto bad_req.
    mmget_not_zero: emit(({ context }) => send(context.mm!, { type: 'mmget_not_zero', ctx: context.id })),
    down_read: emit(({ context }) => send(context.mm!, { type: 'down_read', ctx: context.id })),
    find_extend_vma: emit(({ context }) => send(context.mm!, { type: 'find_extend_vma', ctx: context.id, addr: context.req!.addr })),
    takeVma: assign(({ event }) => ({ vma: String(event.vma) })),
    // handle_mm_fault(svm->mm, vma, address, write ? FAULT_FLAG_WRITE : 0).
    handle_mm_fault: emit(({ context }) =>
      send(context.mm!, { type: 'handle_mm_fault', ctx: context.id, vma: context.vma, addr: context.req!.addr, write: context.req!.write, forMm: context.req!.forMm }),
    ),
    success: assign({ result: 'SUCCESS' as const }),
    // invalid: up_read(&svm->mm->mmap_sem).
    up_read: emit(({ context }) => send(context.mm!, { type: 'up_read', ctx: context.id })),
    // The fix: mmput(svm->mm) — may be the last, running exit_mmap in this thread.
    mmput: emit(({ context }) => send(context.mm!, { type: 'mmput', ctx: context.id })),
    // bad_req: rcu_read_lock(); list_for_each_entry_rcu(sdev, &svm->devs): the request's sdev.
    list_for_each_entry_rcu: emit(({ context }) => send(context.svm, { type: 'list_for_each_entry_rcu', ctx: context.id, svm: context.svmObj, dev: context.req!.dev })),
    // rcu_read_unlock(), before the sdev is used: "it's OK to drop the 'lock' here now we have it".
    rcu_read_unlock: emit(({ context }) => send(context.svm, { type: 'rcu_read_unlock', ctx: context.id })),
    // sdev->ops->fault_cb(sdev->dev, req->pasid, ...): the sdev the walk found, outside RCU.
    fault_cb: emit(({ context, event }) => send(context.svm, { type: 'prq_fault_cb', ctx: context.id, sdev: event.sdev })),
    // no_pasid: Page Group Response through qi_submit_sync.
    qi_page_response: emit(({ context }) => {
      const r = context.req!;
      const prg = r.prg !== undefined ? { prg: r.prg } : {};
      return send(context.iommu, { type: 'qi_page_response', ctx: context.id, dev: r.dev, pasid: r.pasid, addr: r.addr, result: context.result, ...prg });
    }),
  },
  guards: {
    queueEmpty: ({ event }) => event.req === null,
    noSvm: ({ event }) => event.svm === null,
    supervisor: ({ event }) => event.mm === null,
    pinsMmUsers: ({ context }) => context.hunks.faultPin,
    pinFailed: ({ event }) => event.ok !== true,
    // !vma || address < vma->vm_start
    noVma: ({ context, event }) => event.vma === null || context.req!.addr < Number(event.start),
    // access_error(vma, req): (requested & ~vma->vm_flags) != 0 — a write to a VMA without VM_WRITE
    // (intel-svm.c, v4.4: `if (access_error(vma, req)) goto invalid;`).
    accessError: ({ context, event }) => event.ro === true && context.req!.write,
    faultFailed: ({ event }) => event.ok !== true,
    noSdev: ({ event }) => event.sdev === null,
  },
}).createMachine({
  id: 'faultHandler',
  context: ({ input }) => ({ ...input, req: null, svmObj: null, mm: null, vma: null, result: 'FAILURE' }),
  initial: 'idle',
  states: {
    // Waiting for pr_irq (IRQF_ONESHOT: masked while the thread runs).
    idle: {
      on: { pr_irq: { target: 'prq_next', actions: 'prq_next' } },
    },
    prq_next: {
      tags: ['waiting'],
      on: {
        'ret.prq_next': [{ guard: 'queueEmpty', target: 'idle' }, { target: 'idr_find', actions: ['takeReq', 'idr_find'] }],
      },
    },
    idr_find: {
      tags: ['waiting'],
      on: {
        'ret.idr_find': [
          // Not found: no_pasid with result still FAILURE (QI_RESP_FAILURE at 4.4).
          { guard: 'noSvm', target: 'no_pasid', actions: 'qi_page_response' },
          { guard: 'supervisor', target: 'bad_req', actions: ['foundSvm', 'svm_mm', 'list_for_each_entry_rcu'] },
          { guard: 'pinsMmUsers', target: 'mmget_not_zero', actions: ['foundSvm', 'svm_mm', 'mmget_not_zero'] },
          { target: 'down_read', actions: ['foundSvm', 'svm_mm', 'down_read'] },
        ],
      },
    },
    mmget_not_zero: {
      tags: ['waiting'],
      on: {
        'ret.mmget_not_zero': [
          // The mm is defunct: don't handle the fault.
          { guard: 'pinFailed', target: 'bad_req', actions: 'list_for_each_entry_rcu' },
          { target: 'down_read', actions: ['svm_mm', 'down_read'] },
        ],
      },
    },
    down_read: {
      tags: ['waiting'],
      on: { 'ret.down_read': { target: 'find_extend_vma', actions: ['svm_mm', 'find_extend_vma'] } },
    },
    find_extend_vma: {
      tags: ['waiting'],
      on: {
        'ret.find_extend_vma': [
          { guard: 'noVma', target: 'invalid' },
          { guard: 'accessError', target: 'invalid' },
          { target: 'handle_mm_fault', actions: ['takeVma', 'svm_mm', 'handle_mm_fault'] },
        ],
      },
    },
    handle_mm_fault: {
      tags: ['waiting'],
      on: {
        'ret.handle_mm_fault': [{ guard: 'faultFailed', target: 'invalid' }, { target: 'invalid', actions: 'success' }],
      },
    },
    // invalid: up_read (done before the thread goes on: the response that lets the driver unbind
    // comes after it); with the fix, mmput.
    invalid: {
      entry: ['svm_mm', 'up_read'],
      tags: ['waiting'],
      on: { 'ret.up_read': [{ guard: 'pinsMmUsers', target: 'mmput', actions: ['svm_mm', 'mmput'] }, { target: 'bad_req', actions: 'list_for_each_entry_rcu' }] },
    },
    mmput: {
      tags: ['waiting'],
      on: { 'ret.mmput': { target: 'bad_req', actions: 'list_for_each_entry_rcu' } },
    },
    // bad_req: the walk found the sdev (or WARN_ON: none); rcu_read_unlock, then its fault_cb.
    bad_req: {
      tags: ['waiting'],
      on: {
        'ret.list_for_each_entry_rcu': [
          { guard: 'noSdev', target: 'no_pasid', actions: ['rcu_read_unlock', 'qi_page_response'] },
          { target: 'fault_cb', actions: ['rcu_read_unlock', 'fault_cb'] },
        ],
      },
    },
    fault_cb: {
      tags: ['waiting'],
      on: { 'ret.prq_fault_cb': { target: 'no_pasid', actions: 'qi_page_response' } },
    },
    no_pasid: {
      tags: ['waiting'],
      on: { 'ret.qi_page_response': { target: 'prq_next', actions: 'prq_next' } },
    },
  },
});
