// prq_event_thread (intel-svm.c): the threaded IRQ handler that serves page requests, one
// descriptor at a time, step by step. A kthread: a final fput it causes goes to delayed_fput.
// The fix adds the mm_users pin (atomic_inc_not_zero ... mmput) around the fault.
import { assign, emit, setup } from 'xstate';
import { send } from './emit.ts';
import { isCanonical, type Hunks } from './objects.ts';

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
    // bad_req: find the sdev in svm->devs and call its fault_cb.
    prq_fault_cb: emit(({ context }) => send(context.svm, { type: 'prq_fault_cb', ctx: context.id, svm: context.svmObj, dev: context.req!.dev })),
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
    // 9d8c3af31607: if (!is_canonical_address(address)) goto bad_req, after mmget_not_zero (v4.14
    // to v5.6: the goto skips the mmput at invalid:); 902baf61adf6 (v5.7) moved it before.
    nonCanonicalAfterPin: ({ context }) => context.hunks.canonicalCheck && !context.hunks.canonicalFirst && !isCanonical(context.req!.addr),
    nonCanonicalFirst: ({ context }) => context.hunks.canonicalCheck && context.hunks.canonicalFirst && !isCanonical(context.req!.addr),
    // !vma || address < vma->vm_start
    noVma: ({ context, event }) => event.vma === null || context.req!.addr < Number(event.start),
    // access_error(vma, req): (requested & ~vma->vm_flags) != 0 — a write to a VMA without VM_WRITE
    // (intel-svm.c, v4.4: `if (access_error(vma, req)) goto invalid;`).
    accessError: ({ context, event }) => event.ro === true && context.req!.write,
    faultFailed: ({ event }) => event.ok !== true,
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
          { guard: 'supervisor', target: 'bad_req', actions: ['foundSvm', 'prq_fault_cb'] },
          // 902baf61adf6: the canonical check, then mmget_not_zero.
          { guard: 'nonCanonicalFirst', target: 'bad_req', actions: ['foundSvm', 'prq_fault_cb'] },
          { guard: 'pinsMmUsers', target: 'mmget_not_zero', actions: ['foundSvm', 'mmget_not_zero'] },
          { target: 'down_read', actions: ['foundSvm', 'down_read'] },
        ],
      },
    },
    mmget_not_zero: {
      tags: ['waiting'],
      on: {
        'ret.mmget_not_zero': [
          // The mm is defunct: don't handle the fault.
          { guard: 'pinFailed', target: 'bad_req', actions: 'prq_fault_cb' },
          // 9d8c3af31607: not canonical, goto bad_req with the mm_users reference still held.
          { guard: 'nonCanonicalAfterPin', target: 'bad_req', actions: 'prq_fault_cb' },
          { target: 'down_read', actions: 'down_read' },
        ],
      },
    },
    down_read: {
      tags: ['waiting'],
      on: { 'ret.down_read': { target: 'find_extend_vma', actions: 'find_extend_vma' } },
    },
    find_extend_vma: {
      tags: ['waiting'],
      on: {
        'ret.find_extend_vma': [
          { guard: 'noVma', target: 'invalid' },
          { guard: 'accessError', target: 'invalid' },
          { target: 'handle_mm_fault', actions: ['takeVma', 'handle_mm_fault'] },
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
      entry: 'up_read',
      tags: ['waiting'],
      on: { 'ret.up_read': [{ guard: 'pinsMmUsers', target: 'mmput', actions: 'mmput' }, { target: 'bad_req', actions: 'prq_fault_cb' }] },
    },
    mmput: {
      tags: ['waiting'],
      on: { 'ret.mmput': { target: 'bad_req', actions: 'prq_fault_cb' } },
    },
    bad_req: {
      tags: ['waiting'],
      on: { 'ret.prq_fault_cb': { target: 'no_pasid', actions: 'qi_page_response' } },
    },
    no_pasid: {
      tags: ['waiting'],
      on: { 'ret.qi_page_response': { target: 'prq_next', actions: 'prq_next' } },
    },
  },
});
