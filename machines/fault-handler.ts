// prq_event_thread (intel-svm.c): the threaded IRQ handler that serves page requests, one
// descriptor at a time, step by step. A kthread: a final fput it causes goes to delayed_fput.
// The fix adds the mm_users pin (atomic_inc_not_zero ... mmput) around the fault.
// Its walk of the page request queue is 4.4.y's: writel(DMA_PRS_PPR) first (clear PPR "to ensure
// that we get a new interrupt if needed"), read PQT and PQH once, serve head to tail, answer only
// a last-in-group request (Page Group Response) or a stream request (Page Stream Response), then
// dmar_writeq(PQH, tail) once. PRO is never read nor cleared at 4.4.
import { assign, emit, setup } from 'xstate';
import { access, bug, noop, send } from './emit.ts';
import { isCanonical, type Hunks } from './objects.ts';

interface Req {
  pasid: number;
  addr: number;
  write: boolean;
  dev: string;
  forMm: string;
  /** The Page Request Group index (only with faults that need the device to match responses). */
  prg?: number;
  /** struct page_req_dsc: last page in group, stream response requested (absent: lpig, no srr). */
  lpig?: boolean;
  srr?: boolean;
  /** pasid_present (absent: set), priv_req and exe_req (absent: clear). */
  pasid_present?: boolean;
  priv_req?: boolean;
  exe_req?: boolean;
  /** The requester id the IOMMU wrote in the descriptor: PCI_DEVID(req->bus, req->devfn). */
  sid?: number;
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
  /** The ring's size in descriptors: PRQ_RING_MASK wraps head at it. */
  prqSize: number;
  /** head and tail as read from PQH and PQT (descriptor indexes, not byte offsets). */
  head: number;
  tail: number;
  /** pr_irq fired while the thread ran (IRQF_ONESHOT: it runs again when it returns). */
  irqAgain: boolean;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

export const faultHandlerMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; iommu: string; svm: string; hunks: Hunks; prqSize?: number } },
  actions: {
    // writel(DMA_PRS_PPR, iommu->reg + DMAR_PRS_REG): clear PPR before reading head and tail.
    writel_prs_ppr: emit(({ context }) => send(context.iommu, { type: 'writel_prs_ppr', ctx: context.id })),
    // tail = dmar_readq(PQT) & PRQ_RING_MASK; head = dmar_readq(PQH) & PRQ_RING_MASK. One step:
    // only software writes PQH, so nothing can come between the two reads that changes an answer.
    dmar_readq_pq: emit(({ context }) => send(context.iommu, { type: 'dmar_readq_pq', ctx: context.id })),
    takeHeadTail: assign(({ event }) => ({ head: Number(event.head), tail: Number(event.tail) })),
    // req = &iommu->prq[head / sizeof(*req)]: the descriptor at head.
    prq_next: emit(({ context }) => send(context.iommu, { type: 'prq_next', ctx: context.id, head: context.head })),
    // head = (head + sizeof(*req)) & PRQ_RING_MASK.
    prq_advance: assign(({ context }) => ({ head: (context.head + 1) % context.prqSize })),
    // dmar_writeq(iommu->reg + DMAR_PQH_REG, tail): the whole walk handed back at once.
    dmar_writeq_pqh: emit(({ context }) => send(context.iommu, { type: 'dmar_writeq_pqh', ctx: context.id, tail: context.tail })),
    // 66ac4db36f4c (v5.8), after dmar_writeq(PQH): if (!completion_done(&iommu->prq_complete))
    // complete(&iommu->prq_complete), waking an unbind asleep in intel_svm_drain_prq.
    complete: emit(({ context }) => (context.hunks.drainPrq ? send(context.iommu, { type: 'complete', ctx: context.id }) : noop)),
    irqAgain: assign({ irqAgain: true }),
    irqServed: assign({ irqAgain: false }),
    // return IRQ_RETVAL(handled): head and tail are prq_event_thread's locals, gone with it.
    prq_event_thread_return: assign({ head: 0, tail: 0 }),
    // result = QI_RESP_FAILURE (4.4); 3aa7c62cb7d7 (v5.12): result = QI_RESP_INVALID.
    takeReq: assign(({ context, event }) => ({ req: event.req as Req, result: context.hunks.invalidResponse ? ('INVALID' as const) : ('FAILURE' as const), svmObj: null, mm: null, vma: null })),
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
    // bad_req: rcu_read_lock(); list_for_each_entry_rcu(sdev, &svm->devs, list) if (sdev->sid ==
    // PCI_DEVID(req->bus, req->devfn)) break: the request's sdev, by the requester id.
    list_for_each_entry_rcu: emit(({ context }) => {
      const r = context.req!;
      return send(context.svm, { type: 'list_for_each_entry_rcu', ctx: context.id, svm: context.svmObj, dev: r.dev, ...(r.sid !== undefined ? { sid: r.sid } : {}) });
    }),
    // rcu_read_unlock(), before the sdev is used: "it's OK to drop the 'lock' here now we have it".
    rcu_read_unlock: emit(({ context }) => send(context.svm, { type: 'rcu_read_unlock', ctx: context.id })),
    // sdev->ops->fault_cb(sdev->dev, req->pasid, req->private, rwxp, result): the sdev the walk
    // found, outside RCU, with rwxp = (rd_req << 3) | (wr_req << 2) | (exe_req << 1) | priv_req.
    fault_cb: emit(({ context, event }) => {
      const r = context.req!;
      const rwxp = ((r.write ? 0 : 1) << 3) | ((r.write ? 1 : 0) << 2) | ((r.exe_req ? 1 : 0) << 1) | (r.priv_req ? 1 : 0);
      return send(context.svm, { type: 'prq_fault_cb', ctx: context.id, sdev: event.sdev, ...(r.sid !== undefined ? { sid: r.sid } : {}), rwxp, result: context.result });
    }),
    // if (!req->pasid_present) { pr_err("Page request without PASID"); goto bad_req; } with svm
    // still NULL (4.4: set NULL at the end of every bad_req), and bad_req walks &svm->devs: the
    // kernel oopses in the IRQ thread, which dies (do_exit); no request is served after it.
    bad_req_without_pasid: emit(({ context }) =>
      bug('invariant', `BUG: kernel NULL pointer dereference in prq_event_thread: a page request without PASID from ${context.req!.dev} goes to bad_req, which walks svm->devs with svm == NULL (4.4: pr_err "Page request without PASID", goto bad_req); the IRQ thread dies`),
    ),
    // no_pasid: if (req->lpig) a Page Group Response (QI_PGRP_RESP_TYPE) through qi_submit_sync;
    // else if (req->srr) a Page Stream Response (QI_PSTRM_RESP_TYPE); else no response.
    qi_page_response: emit(({ context }) => {
      const r = context.req!;
      const prg = r.prg !== undefined ? { prg: r.prg } : {};
      const stream = r.lpig === false ? { resp: 'stream' } : {};
      const sid = r.sid !== undefined ? { sid: r.sid } : {};
      return send(context.iommu, { type: 'qi_page_response', ctx: context.id, dev: r.dev, ...sid, pasid: r.pasid, addr: r.addr, result: context.result, ...prg, ...stream });
    }),
  },
  guards: {
    headIsTail: ({ context }) => context.head === context.tail,
    // req->lpig || req->srr: the request gets a response.
    answered: ({ context }) => context.req!.lpig !== false || context.req!.srr === true,
    irqAgain: ({ context }) => context.irqAgain,
    noSvm: ({ event }) => event.svm === null,
    withoutPasid: ({ event }) => (event.req as Req | null)?.pasid_present === false,
    // 4.9.y: if (!req->pasid_present) { pr_err(...); goto no_pasid; }
    withoutPasidToNoPasid: ({ context, event }) => context.hunks.noPasidAnswer && (event.req as Req | null)?.pasid_present === false,
    supervisor: ({ event }) => event.mm === null,
    pinsMmUsers: ({ context }) => context.hunks.faultPin,
    pinFailed: ({ event }) => event.ok !== true,
    // 9d8c3af31607: if (!is_canonical_address(address)) goto bad_req, after mmget_not_zero (v4.14
    // to v5.6: the goto skips the mmput at invalid:); 902baf61adf6 (v5.7) moved it before.
    nonCanonicalAfterPin: ({ context }) => context.hunks.canonicalCheck && !context.hunks.canonicalFirst && !isCanonical(context.req!.addr),
    nonCanonicalFirst: ({ context }) => context.hunks.canonicalCheck && context.hunks.canonicalFirst && !isCanonical(context.req!.addr),
    // !vma || address < vma->vm_start
    noVma: ({ context, event }) => event.vma === null || context.req!.addr < Number(event.start),
    // access_error(vma, req): (requested & ~vma->vm_flags) != 0 — a write to a VMA without VM_WRITE,
    // or an execute request (exe_req: VM_EXEC), as no VMA of the model is executable (intel-svm.c,
    // v4.4: `if (access_error(vma, req)) goto invalid;`). priv_req is not looked at: at 4.4 a
    // privileged request is served as a user one, its bit only reaches fault_cb's rwxp.
    accessError: ({ context, event }) => (event.ro === true && context.req!.write) || context.req!.exe_req === true,
    faultFailed: ({ event }) => event.ok !== true,
    noSdev: ({ event }) => event.sdev === null,
  },
}).createMachine({
  id: 'faultHandler',
  context: ({ input }) => ({ ...input, prqSize: input.prqSize ?? 256, req: null, svmObj: null, mm: null, vma: null, result: 'FAILURE', head: 0, tail: 0, irqAgain: false }),
  // pr_irq while the thread runs: IRQF_ONESHOT keeps the line masked, the interrupt stays
  // pending and the thread runs once more when it returns.
  on: { pr_irq: { actions: 'irqAgain' } },
  initial: 'idle',
  states: {
    // Waiting for pr_irq (IRQF_ONESHOT: masked while the thread runs).
    idle: {
      on: { pr_irq: { target: 'writel_prs_ppr', actions: 'writel_prs_ppr' } },
    },
    writel_prs_ppr: {
      tags: ['waiting'],
      on: { 'ret.writel_prs_ppr': { target: 'dmar_readq_pq', actions: 'dmar_readq_pq' } },
    },
    dmar_readq_pq: {
      tags: ['waiting'],
      on: { 'ret.dmar_readq_pq': { target: 'prq_walk', actions: 'takeHeadTail' } },
    },
    // while (head != tail): the next descriptor; at the end, PQH = tail.
    prq_walk: {
      always: [
        { guard: 'headIsTail', target: 'dmar_writeq_pqh', actions: 'dmar_writeq_pqh' },
        { target: 'prq_next', actions: 'prq_next' },
      ],
    },
    prq_next: {
      tags: ['waiting'],
      on: {
        'ret.prq_next': [
          { guard: 'withoutPasidToNoPasid', target: 'no_pasid', actions: 'takeReq' },
          { guard: 'withoutPasid', target: 'oops', actions: ['takeReq', 'bad_req_without_pasid'] },
          { target: 'idr_find', actions: ['takeReq', 'idr_find'] },
        ],
      },
    },
    // The thread oopsed (a request without PASID at 4.4): it is gone, its interrupt stays masked
    // (IRQF_ONESHOT), and the ring is never read again.
    oops: {
      on: { pr_irq: {} },
    },
    // return IRQ_RETVAL(handled); a pr_irq that came meanwhile runs the thread again.
    dmar_writeq_pqh: {
      tags: ['waiting'],
      on: {
        'ret.dmar_writeq_pqh': [
          { guard: 'irqAgain', target: 'writel_prs_ppr', actions: ['complete', 'prq_event_thread_return', 'irqServed', 'writel_prs_ppr'] },
          { target: 'idle', actions: ['complete', 'prq_event_thread_return'] },
        ],
      },
    },
    idr_find: {
      tags: ['waiting'],
      on: {
        'ret.idr_find': [
          // Not found: no_pasid with result still FAILURE (QI_RESP_FAILURE at 4.4).
          { guard: 'noSvm', target: 'no_pasid' },
          { guard: 'supervisor', target: 'bad_req', actions: ['foundSvm', 'svm_mm', 'list_for_each_entry_rcu'] },
          // 902baf61adf6 (v5.7): if (!is_canonical_address(address)) goto bad_req, before mmget_not_zero.
          { guard: 'nonCanonicalFirst', target: 'bad_req', actions: ['foundSvm', 'svm_mm', 'list_for_each_entry_rcu'] },
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
          // 9d8c3af31607 (v4.14): not canonical, goto bad_req with the mm_users reference still held.
          { guard: 'nonCanonicalAfterPin', target: 'bad_req', actions: 'list_for_each_entry_rcu' },
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
          { guard: 'noSdev', target: 'no_pasid', actions: 'rcu_read_unlock' },
          { target: 'fault_cb', actions: ['rcu_read_unlock', 'fault_cb'] },
        ],
      },
    },
    fault_cb: {
      tags: ['waiting'],
      on: { 'ret.prq_fault_cb': { target: 'no_pasid' } },
    },
    // no_pasid: a response for a last-in-group or stream request; then head advances.
    no_pasid: {
      always: [
        { guard: 'answered', target: 'qi_submit_sync', actions: 'qi_page_response' },
        { target: 'prq_walk', actions: 'prq_advance' },
      ],
    },
    qi_submit_sync: {
      tags: ['waiting'],
      on: { 'ret.qi_page_response': { target: 'prq_walk', actions: 'prq_advance' } },
    },
  },
});
