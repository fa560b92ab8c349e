// The mm_struct: mm_users (the address space) and mm_count (the struct), mmap_sem, the mmu-notifier
// list, VMAs, page tables, the PGD and the pages faults populate (kernel/fork.c, mm/mmap.c,
// mm/mmu_notifier.c at v4.4). Three regions run side by side, as in the kernel where the mm is
// data that several threads touch: `lifecycle` (live → exit_mmap → defunct → freed), `op` (the
// mmap_sem-taking operations, one at a time) and `unregister` (mmu_notifier_unregister, which takes
// no mmap_sem). exit_mmap advances by messages to itself, so the scheduler can interleave a
// page-request thread between its phases; it takes no mmap_sem. Every notifier callback runs
// inside the global mmu-notifier SRCU read lock (machines/srcu.ts).
import { assign, emit, enqueueActions, raise, setup } from 'xstate';
import { access, bug, callerOf, noop, ret, send } from './emit.ts';
import { obj, patch, type Objs } from './objects.ts';

interface Vma {
  id: string;
  start: number;
  end: number;
  /** mmap with prot "r": no VM_WRITE (absent for a writable mapping). */
  ro?: boolean;
}
interface Ctx {
  id: string;
  owner: string;
  svm: string;
  /** The global mmu-notifier srcu_struct (machines/srcu.ts). */
  srcu: string;
  objs: Objs;
  /** mmap_sem: readers, a writer, readers queued behind the writer. */
  readers: number;
  writer: boolean;
  readWaiters: { from: string; fn: string }[];
  /** mm->mmu_notifier_mm->list: the svm records registered on this mm. */
  notifiers: { svm: string; hashed: boolean }[];
  /** mm->mmu_notifier_mm: installed by the first mmu_notifier_register, kept until __mmdrop
   * (mm_has_notifiers() tests it, not the list). */
  mmu_notifier_mm: boolean;
  /** The mmu_notifier_unregister in progress (its caller, thread and notifier). */
  unreg: { from: string; fn: string; ctx: string; svm: string } | null;
  vmas: Vma[];
  /** The live page-table page (below the PGD) and the pages it maps, by address. */
  pt: string | null;
  pages: Record<string, string>;
  /** Pages gathered by unmap_vmas / zap, freed by tlb_finish_mmu. */
  gather: string[];
  seq: number;
  /** The final mmput's caller and thread: exit_mmap runs in that context. */
  exitCaller: { from: string; fn: string } | null;
  exitCtx: string;
  /** The mmap_sem operation in progress, and those waiting behind it. */
  op: { from: string; fn: string; ctx: string; [k: string]: unknown } | null;
  opQueue: Ev[];
  /** Loop index for notifier and VMA walks. */
  i: number;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

const num = (id: string) => id.slice(id.indexOf('#') + 1);
const me = (c: Ctx) => c.objs[c.id]!;
const users = (c: Ctx) => me(c).mm_users ?? 0;
const mmCount = (c: Ctx) => me(c).mm_count ?? 0;
const vmaAt = (c: Ctx, addr: number) => c.vmas.find((v) => addr >= v.start && addr < v.end);
const setCounts = (c: Ctx, f: { mm_users?: number; mm_count?: number }) => patch(c.objs, c.id, f);
const inRange = (addr: string, v: { start: number; end: number }) => Number(addr) >= v.start && Number(addr) < v.end;
const hashed = (c: Ctx) => c.notifiers.filter((n) => n.hashed);

export const mmMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; owner: string; svm: string; srcu: string } },
  actions: {
    // get_task_mm / mmget: atomic_inc(&mm->mm_users).
    mmget: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ objs: setCounts(context, { mm_users: users(context) + 1 }) });
      enqueue.emit(ret(callerOf(event)));
    }),
    // mmget_not_zero: atomic_inc_not_zero(&mm->mm_users), the fix's pin in prq_event_thread.
    mmget_not_zero: enqueueActions(({ context, event, enqueue }) => {
      const ok = users(context) > 0;
      if (ok) enqueue.assign({ objs: setCounts(context, { mm_users: users(context) + 1 }) });
      enqueue.emit(ret(callerOf(event), { ok }));
    }),
    // exit_mm: atomic_inc(&mm->mm_count), the exiting task's lazy active_mm.
    exit_mm: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ objs: setCounts(context, { mm_count: mmCount(context) + 1 }) });
      enqueue.emit(ret(callerOf(event)));
    }),
    // mmput: atomic_dec_and_test(&mm->mm_users); the last one runs exit_mmap in the caller's context.
    mmput: enqueueActions(({ context, event, enqueue }) => {
      const n = users(context) - 1;
      const objs = setCounts(context, { mm_users: n });
      // One assign: each one costs xstate a new snapshot.
      enqueue.assign(n === 0 ? { objs, exitCaller: callerOf(event), exitCtx: String(event.ctx) } : { objs });
      if (n < 0) enqueue.emit(bug('invariant', `BUG: mm_users underflow on ${context.id} in mmput`));
      if (n === 0) enqueue.raise({ type: 'exit_mmap' });
      else enqueue.emit(ret(callerOf(event)));
    }),
    // mmdrop: atomic_dec_and_test(&mm->mm_count) → __mmdrop. v4.4 does not check underflow; we do.
    mmdrop: enqueueActions(({ context, enqueue }) => {
      const n = mmCount(context) - 1;
      enqueue.assign({ objs: setCounts(context, { mm_count: n }) });
      if (n < 0) enqueue.emit(bug('invariant', `BUG: mm_count underflow on ${context.id} in mmdrop`));
      if (n === 0) enqueue.raise({ type: '__mmdrop' });
    }),
    // __mmdrop: mm_free_pgd, mmu_notifier_mm_destroy (BUG if notifiers listed), free_mm.
    __mmdrop: enqueueActions(({ context, enqueue }) => {
      if (hashed(context).length) enqueue.emit(bug('invariant', `BUG: __mmdrop of ${context.id} with notifiers still listed`));
      if (users(context) > 0) enqueue.emit(bug('invariant', `BUG: __mmdrop of ${context.id} with mm_users ${users(context)}`));
      let objs = patch(context.objs, `pgd#${num(context.id)}`, { alive: false });
      objs = patch(objs, context.id, { alive: false });
      enqueue.assign({ objs });
    }),
    // down_read(&mm->mmap_sem): granted unless a writer holds it.
    down_read: enqueueActions(({ context, event, enqueue }) => {
      if (context.writer) enqueue.assign({ readWaiters: [...context.readWaiters, callerOf(event)] });
      else {
        enqueue.assign({ readers: context.readers + 1 });
        enqueue.emit(ret(callerOf(event)));
      }
    }),
    // up_read(&mm->mmap_sem): a release that never blocks; the caller goes on when it returns.
    up_read: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ readers: context.readers - 1 });
      enqueue.emit(ret(callerOf(event)));
    }),
    down_write: assign({ writer: true }),
    // up_write: wake the readers queued behind the writer.
    up_write: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ writer: false, readers: context.readers + context.readWaiters.length, readWaiters: [] });
      for (const w of context.readWaiters) enqueue.emit(ret(w));
    }),
    // find_extend_vma(mm, address).
    find_extend_vma: emit(({ context, event }) => {
      const v = vmaAt(context, Number(event.addr));
      return ret(callerOf(event), { vma: v?.id ?? null, start: v?.start ?? null, ...(v?.ro ? { ro: true } : {}) });
    }),
    // handle_mm_fault: allocate the page table and the page if missing. It uses the VMA it was
    // given, which may have been freed under it; in a defunct mm it allocates what nobody frees.
    handle_mm_fault: enqueueActions(({ context, event, enqueue }) => {
      const addr = Number(event.addr);
      const vma = (event.vma as string | null) ?? vmaAt(context, addr)?.id ?? null;
      if (!vma) {
        enqueue.emit(ret(callerOf(event), { ok: false }));
        return;
      }
      enqueue.emit(access(vma, 'handle_mm_fault'));
      let { objs, seq, pt } = context;
      const pages = { ...context.pages };
      if (pt) enqueue.emit(access(pt, 'handle_mm_fault'));
      else {
        pt = `pt#${num(context.id)}.${++seq}`;
        objs = { ...objs, [pt]: obj('pt', context.owner) };
      }
      if (!pages[addr]) {
        const page = `page#${num(context.id)}.${++seq}`;
        pages[addr] = page;
        objs = { ...objs, [page]: obj('page', context.owner, { addr }) };
      }
      enqueue.assign({ objs, seq, pt, pages });
      enqueue.emit(ret(callerOf(event), { ok: true }));
    }),
    // The IOMMU's page walk: PGD, then the page table (or the one its walk cache remembers), then
    // the page, which the DMA reads or writes in the same step.
    iommu_walk: enqueueActions(({ context, event, enqueue }) => {
      const how = event.write ? 'dma-write' : 'dma-read';
      const forMm = String(event.forMm);
      enqueue.emit(access(String(event.pgd), 'iommu-walk'));
      const hint = (event.pt as string | null) ?? null;
      if (hint && hint !== context.pt) {
        // A paging-structure cache entry that outlived its page table.
        enqueue.emit(access(hint, 'iommu-walk'));
        enqueue.emit(ret(callerOf(event), { page: null, pt: null }));
        return;
      }
      if (!context.pt) {
        enqueue.emit(ret(callerOf(event), { page: null, pt: null }));
        return;
      }
      enqueue.emit(access(context.pt, 'iommu-walk'));
      const page = context.pages[String(event.addr)] ?? null;
      if (page) enqueue.emit(access(page, how, forMm));
      enqueue.emit(ret(callerOf(event), { page, pt: context.pt }));
    }),
    beginOp: assign(({ event }) => ({ op: { ...callerOf(event), ctx: String(event.ctx), ...event } })),
    // An mmap_sem operation arrived while another runs: it waits its turn.
    queueOp: assign(({ context, event }) => ({ opQueue: [...context.opQueue, event] })),
    nextOp: enqueueActions(({ context, enqueue }) => {
      const [next, ...rest] = context.opQueue;
      enqueue.assign({ opQueue: rest });
      enqueue.raise(next as Ev);
    }),
    endOp: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(ret(context.op));
      enqueue.assign({ op: null, i: 0 });
    }),
    // mmap_region: vm_area_alloc + get_file, done by the VMA.
    vma_init: emit(({ context }) =>
      send(String(context.op!.vma), { type: 'vma_init', ctx: context.op!.ctx, file: context.op!.file, start: context.op!.start, end: context.op!.end }),
    ),
    vma_link: assign(({ context }) => {
      const { vma, start, end, ro } = context.op as unknown as Vma & { vma: string };
      const vmas = [...context.vmas, ro ? { id: vma, start, end, ro } : { id: vma, start, end }];
      return { vmas, objs: patch(context.objs, context.id, { refs: vmas.map((v) => v.id) }) };
    }),
    // do_munmap → unmap_region: zap the range's pages into the gather (freed after the flush).
    zap_range: assign(({ context }) => {
      const v = context.vmas.find((x) => x.id === context.op!.vma);
      if (!v) return {};
      const pages = { ...context.pages };
      const gather = Object.keys(pages).filter((a) => inRange(a, v)).map((a) => pages[a]!);
      for (const a of Object.keys(pages)) if (inRange(a, v)) delete pages[a];
      return { pages, gather, op: { ...context.op!, start: v.start, end: v.end } };
    }),
    // __mmu_notifier_invalidate_range: srcu_read_lock(&srcu), then the walk of the list.
    srcu_read_lock_munmap: emit(({ context }) => send(context.srcu, { type: 'srcu_read_lock', ctx: context.op!.ctx, tag: 'munmap' })),
    // srcu_read_unlock(&srcu, id) at the walk's end.
    srcu_read_unlock_munmap: emit(({ context }) => send(context.srcu, { type: 'srcu_read_unlock', ctx: context.op!.ctx, tag: 'munmap' })),
    // tlb_flush_mmu_tlbonly → mmu_notifier_invalidate_range: ->invalidate_range of every listed
    // notifier, one at a time.
    intel_invalidate_range: enqueueActions(({ context, enqueue }) => {
      const n = hashed(context)[context.i]!;
      enqueue.assign({ i: context.i + 1 });
      enqueue.emit(send(context.svm, { type: 'intel_invalidate_range', ctx: context.op!.ctx, svm: n.svm, mm: context.id, start: context.op!.start, end: context.op!.end }));
    }),
    // tlb_flush_mmu_free / tlb_finish_mmu: free the gathered pages.
    free_gathered: assign(({ context }) => {
      let objs = context.objs;
      for (const p of context.gather) objs = patch(objs, p, { alive: false });
      return { objs, gather: [] };
    }),
    // remove_vma(vma) in the caller's context: fput its file, free it.
    remove_vma_op: emit(({ context }) => send(String(context.op!.vma), { type: 'remove_vma', ctx: context.op!.ctx })),
    vma_unlink: assign(({ context }) => {
      const vmas = context.vmas.filter((v) => v.id !== context.op!.vma);
      return { vmas, objs: patch(context.objs, context.id, { refs: vmas.map((v) => v.id) }) };
    }),
    bugIfNoUsers: emit(({ context }) =>
      users(context) <= 0 ? bug('invariant', `BUG: mmu_notifier_register on ${context.id} with mm_users ${users(context)}`) : noop,
    ),
    // BUG_ON(atomic_read(&mm->mm_count) <= 0), at mmu_notifier_unregister's start and after synchronize_srcu.
    bugIfNoCount: emit(({ context }) =>
      mmCount(context) <= 0 ? bug('invariant', `BUG: mmu_notifier_unregister on ${context.id} with mm_count ${mmCount(context)}`) : noop,
    ),
    // do_mmu_notifier_register: install mm->mmu_notifier_mm, atomic_inc(&mm->mm_count), hlist_add_head.
    hlist_add_head: assign(({ context }) => {
      const notifiers = [...context.notifiers, { svm: String(context.op!.svm), hashed: true }];
      return { notifiers, mmu_notifier_mm: true, objs: patch(context.objs, context.id, { mm_count: mmCount(context) + 1, links: notifiers.map((n) => n.svm) }) };
    }),
    // mmu_notifier_unregister(mn, mm), called by the driver's thread: no mmap_sem.
    beginUnregister: assign(({ event }) => ({ unreg: { ...callerOf(event), ctx: String(event.ctx), svm: String(event.svm) } })),
    // if (!hlist_unhashed(&mn->hlist)) { id = srcu_read_lock(&srcu); ...
    srcu_read_lock_unregister: emit(({ context }) => send(context.srcu, { type: 'srcu_read_lock', ctx: context.unreg!.ctx, tag: 'unregister' })),
    // ... mn->ops->release(mn, mm) ...
    release_from_unregister: emit(({ context }) =>
      send(context.svm, { type: 'intel_mm_release', ctx: context.unreg!.ctx, svm: context.unreg!.svm, mm: context.id, tag: 'unregister' }),
    ),
    // ... srcu_read_unlock(&srcu, id); }
    srcu_read_unlock_unregister: emit(({ context }) => send(context.srcu, { type: 'srcu_read_unlock', ctx: context.unreg!.ctx, tag: 'unregister' })),
    // spin_lock(&mm->mmu_notifier_mm->lock); hlist_del_init_rcu(&mn->hlist); spin_unlock.
    unhash_one: assign(({ context }) => ({
      notifiers: context.notifiers.map((n) => (n.svm === context.unreg!.svm ? { ...n, hashed: false } : n)),
    })),
    // synchronize_srcu(&srcu): waits for every callback in flight, of every mm.
    synchronize_srcu_unregister: emit(({ context }) => send(context.srcu, { type: 'synchronize_srcu', ctx: context.unreg!.ctx, tag: 'unregister' })),
    // The notifier is gone from the mm for good once unregister is done.
    forget_notifier: assign(({ context }) => {
      const notifiers = context.notifiers.filter((n) => n.svm !== context.unreg!.svm);
      return { notifiers, objs: patch(context.objs, context.id, { links: notifiers.map((n) => n.svm) }) };
    }),
    returnUnregister: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(ret(context.unreg));
      enqueue.assign({ unreg: null });
    }),
    // __mmu_notifier_release: id = srcu_read_lock(&srcu).
    srcu_read_lock_exit: emit(({ context }) => send(context.srcu, { type: 'srcu_read_lock', ctx: context.exitCtx, tag: 'exit' })),
    // __mmu_notifier_release: ->release on every notifier, in list order.
    release_from_exit: enqueueActions(({ context, enqueue }) => {
      const n = hashed(context)[context.i]!;
      enqueue.assign({ i: context.i + 1 });
      enqueue.emit(send(context.svm, { type: 'intel_mm_release', ctx: context.exitCtx, svm: n.svm, mm: context.id, tag: 'exit' }));
    }),
    // srcu_read_unlock(&srcu, id) after the last ->release.
    srcu_read_unlock_exit: emit(({ context }) => send(context.srcu, { type: 'srcu_read_unlock', ctx: context.exitCtx, tag: 'exit' })),
    // Under mmu_notifier_mm->lock, hlist_del_init_rcu of every entry: no callback reaches a driver again.
    hlist_del_init_rcu: assign(({ context }) => ({ notifiers: context.notifiers.map((n) => ({ ...n, hashed: false })), i: 0 })),
    // synchronize_srcu(&srcu): a ->release that mmu_notifier_unregister runs elsewhere ends first.
    synchronize_srcu_exit: emit(({ context }) => send(context.srcu, { type: 'synchronize_srcu', ctx: context.exitCtx, tag: 'exit' })),
    // exit_mmap's next phase, as a message to itself (a point where others may run).
    next_phase: emit(({ context }, p: { phase: string }) => send(context.id, { type: p.phase, ctx: context.exitCtx })),
    // unmap_vmas: zap every page into the gather; invalidate_range_start/end find an empty list.
    unmap_vmas: assign(({ context }) => ({ gather: [...context.gather, ...Object.values(context.pages)], pages: {} })),
    // free_pgtables: free the page tables below the PGD (the PGD stays until __mmdrop).
    free_pgtables: assign(({ context }) => ({ objs: context.pt ? patch(context.objs, context.pt, { alive: false }) : context.objs, pt: null })),
    remove_vma_exit: enqueueActions(({ context, enqueue }) => {
      const v = context.vmas[0]!;
      enqueue.assign({ vmas: context.vmas.slice(1), objs: patch(context.objs, context.id, { refs: context.vmas.slice(1).map((x) => x.id) }) });
      enqueue.emit(send(v.id, { type: 'remove_vma', ctx: context.exitCtx }));
    }),
    // The end of mmput: mmdrop for the mm_count that all mm_users shared; then mmput returns.
    returnFromMmput: enqueueActions(({ context, enqueue }) => {
      enqueue.emit(ret(context.exitCaller));
      enqueue.assign({ exitCaller: null });
    }),
  },
  guards: {
    semFree: ({ context }) => !context.writer && context.readers === 0,
    opQueued: ({ context }) => context.opQueue.length > 0,
    moreToInvalidate: ({ context }) => context.i < hashed(context).length,
    moreToRelease: ({ context }) => context.i < hashed(context).length,
    // !hlist_unhashed(&mn->hlist), read without the lock.
    isHashed: ({ context, event }) => context.notifiers.some((n) => n.svm === String(event.svm) && n.hashed),
    // mm_has_notifiers(mm): mm->mmu_notifier_mm is set.
    mm_has_notifiers: ({ context }) => context.mmu_notifier_mm,
    fromExit: ({ event }) => event.tag === 'exit',
    fromUnregister: ({ event }) => event.tag === 'unregister',
    fromMunmap: ({ event }) => event.tag === 'munmap',
    hasVmas: ({ context }) => context.vmas.length > 0,
  },
}).createMachine({
  id: 'mm',
  context: ({ input }) => ({
    ...input,
    objs: {
      [input.id]: obj('mm', input.owner, { mm_users: 1, mm_count: 1, refs: [], links: [] }),
      [`pgd#${num(input.id)}`]: obj('pgd', input.owner),
    },
    readers: 0,
    writer: false,
    readWaiters: [],
    notifiers: [],
    mmu_notifier_mm: false,
    unreg: null,
    vmas: [],
    pt: null,
    pages: {},
    gather: [],
    seq: 0,
    exitCaller: null,
    exitCtx: '',
    op: null,
    opQueue: [],
    i: 0,
  }),
  type: 'parallel',
  on: {
    mmget: { actions: 'mmget' },
    mmget_not_zero: { actions: 'mmget_not_zero' },
    exit_mm: { actions: 'exit_mm' },
    mmput: { actions: 'mmput' },
    mmdrop: { actions: 'mmdrop' },
    down_read: { actions: 'down_read' },
    up_read: { actions: 'up_read' },
    find_extend_vma: { actions: 'find_extend_vma' },
    handle_mm_fault: { actions: 'handle_mm_fault' },
    iommu_walk: { actions: 'iommu_walk' },
  },
  states: {
    lifecycle: {
      initial: 'live',
      states: {
        live: {
          on: { exit_mmap: { target: 'exit_mmap', actions: { type: 'next_phase', params: { phase: 'mmu_notifier_release' } } } },
        },
        // exit_mmap (mm/mmap.c): release first, then tear down; no mmap_sem taken.
        exit_mmap: {
          initial: 'mmu_notifier_release',
          states: {
            // mmu_notifier_release(mm): if (mm_has_notifiers(mm)) __mmu_notifier_release(mm).
            mmu_notifier_release: {
              on: {
                mmu_notifier_release: [
                  { guard: 'mm_has_notifiers', target: 'srcu_read_lock', actions: 'srcu_read_lock_exit' },
                  { target: 'unmap_vmas', actions: { type: 'next_phase', params: { phase: 'unmap_vmas' } } },
                ],
              },
            },
            srcu_read_lock: {
              tags: ['waiting'],
              on: { 'ret.srcu_read_lock': { guard: 'fromExit', target: 'release' } },
            },
            // __mmu_notifier_release: ->release of each notifier, then srcu_read_unlock.
            release: {
              always: [
                { guard: 'moreToRelease', target: 'intel_mm_release', actions: 'release_from_exit' },
                { target: 'srcu_read_unlock', actions: 'srcu_read_unlock_exit' },
              ],
            },
            intel_mm_release: {
              tags: ['waiting'],
              on: { 'ret.intel_mm_release': { guard: 'fromExit', target: 'release' } },
            },
            // Then every entry unhashed under the spinlock, and synchronize_srcu.
            srcu_read_unlock: {
              tags: ['waiting'],
              on: { 'ret.srcu_read_unlock': { guard: 'fromExit', target: 'synchronize_srcu', actions: ['hlist_del_init_rcu', 'synchronize_srcu_exit'] } },
            },
            synchronize_srcu: {
              tags: ['waiting'],
              on: { 'ret.synchronize_srcu': { guard: 'fromExit', target: 'unmap_vmas', actions: { type: 'next_phase', params: { phase: 'unmap_vmas' } } } },
            },
            unmap_vmas: {
              on: { unmap_vmas: { target: 'free_pgtables', actions: ['unmap_vmas', { type: 'next_phase', params: { phase: 'free_pgtables' } }] } },
            },
            free_pgtables: {
              on: { free_pgtables: { target: 'tlb_finish_mmu', actions: ['free_pgtables', { type: 'next_phase', params: { phase: 'tlb_finish_mmu' } }] } },
            },
            tlb_finish_mmu: {
              on: { tlb_finish_mmu: { target: 'remove_vma', actions: ['free_gathered', { type: 'next_phase', params: { phase: 'remove_vma' } }] } },
            },
            // remove_vma of each VMA: fput of its file, in the final mmput's context.
            remove_vma: {
              on: { remove_vma: 'remove_next_vma' },
            },
            remove_next_vma: {
              always: [
                { guard: 'hasVmas', target: 'remove_vma_wait', actions: 'remove_vma_exit' },
                { target: '#mm.lifecycle.defunct', actions: ['mmdrop', 'returnFromMmput'] },
              ],
            },
            remove_vma_wait: {
              tags: ['waiting'],
              on: { 'ret.remove_vma': 'remove_next_vma' },
            },
          },
          on: { __mmdrop: { target: 'freed', actions: '__mmdrop' } },
        },
        // mm_users is 0: the address space is gone, the PGD lives while mm_count holds.
        defunct: {
          on: { __mmdrop: { target: 'freed', actions: '__mmdrop' } },
        },
        freed: {},
      },
    },
    op: {
      initial: 'idle',
      on: {
        mmap_region: { actions: 'queueOp' },
        do_munmap: { actions: 'queueOp' },
        mmu_notifier_register: { actions: 'queueOp' },
      },
      states: {
        idle: {
          always: { guard: 'opQueued', actions: 'nextOp' },
          on: {
            mmap_region: { target: 'mmap_region', actions: 'beginOp' },
            do_munmap: { target: 'do_munmap', actions: 'beginOp' },
            mmu_notifier_register: { target: 'mmu_notifier_register', actions: ['beginOp', 'bugIfNoUsers'] },
          },
        },
        // mmap_region under down_write(mmap_sem).
        mmap_region: {
          initial: 'down_write',
          states: {
            down_write: {
              tags: ['waiting'],
              always: { guard: 'semFree', target: 'vma_init', actions: ['down_write', 'vma_init'] },
            },
            vma_init: {
              tags: ['waiting'],
              on: { 'ret.vma_init': { target: '#mm.op.idle', actions: ['vma_link', 'up_write', 'endOp'] } },
            },
          },
        },
        // do_munmap under down_write: zap, flush the secondary TLBs, free pages, remove_vma.
        do_munmap: {
          initial: 'down_write',
          states: {
            down_write: {
              tags: ['waiting'],
              always: { guard: 'semFree', target: 'mmu_notifier_invalidate_range', actions: ['down_write', 'zap_range'] },
            },
            // mmu_notifier_invalidate_range: if (mm_has_notifiers(mm)) __mmu_notifier_invalidate_range.
            mmu_notifier_invalidate_range: {
              always: [
                { guard: 'mm_has_notifiers', target: 'srcu_read_lock', actions: 'srcu_read_lock_munmap' },
                { target: 'remove_vma', actions: ['free_gathered', 'remove_vma_op'] },
              ],
            },
            srcu_read_lock: {
              tags: ['waiting'],
              on: { 'ret.srcu_read_lock': { guard: 'fromMunmap', target: '__mmu_notifier_invalidate_range' } },
            },
            // hlist_for_each_entry_rcu: ->invalidate_range of each notifier; then srcu_read_unlock.
            __mmu_notifier_invalidate_range: {
              always: [
                { guard: 'moreToInvalidate', target: 'intel_invalidate_range', actions: 'intel_invalidate_range' },
                { target: 'srcu_read_unlock', actions: 'srcu_read_unlock_munmap' },
              ],
            },
            intel_invalidate_range: {
              tags: ['waiting'],
              on: { 'ret.intel_invalidate_range': '__mmu_notifier_invalidate_range' },
            },
            // tlb_flush_mmu_free: the pages go once the secondary TLBs are flushed.
            srcu_read_unlock: {
              tags: ['waiting'],
              on: { 'ret.srcu_read_unlock': { guard: 'fromMunmap', target: 'remove_vma', actions: ['free_gathered', 'remove_vma_op'] } },
            },
            remove_vma: {
              tags: ['waiting'],
              on: { 'ret.remove_vma': { target: '#mm.op.idle', actions: ['vma_unlink', 'up_write', 'endOp'] } },
            },
          },
        },
        // do_mmu_notifier_register: down_write(mmap_sem), mm_count +1, add to the list.
        mmu_notifier_register: {
          tags: ['waiting'],
          always: { guard: 'semFree', target: 'idle', actions: ['hlist_add_head', 'endOp'] },
        },
      },
    },
    // mmu_notifier_unregister(mn, mm): no mmap_sem, so nothing an mmap_sem holder does holds it up.
    // The driver calls it under pasid_mutex: one at a time.
    unregister: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            mmu_notifier_unregister: [
              { guard: 'isHashed', target: 'srcu_read_lock', actions: ['beginUnregister', 'bugIfNoCount', 'srcu_read_lock_unregister'] },
              { target: 'synchronize_srcu', actions: ['beginUnregister', 'bugIfNoCount', 'synchronize_srcu_unregister'] },
            ],
          },
        },
        srcu_read_lock: {
          tags: ['waiting'],
          on: { 'ret.srcu_read_lock': { guard: 'fromUnregister', target: 'intel_mm_release', actions: 'release_from_unregister' } },
        },
        intel_mm_release: {
          tags: ['waiting'],
          on: { 'ret.intel_mm_release': { guard: 'fromUnregister', target: 'srcu_read_unlock', actions: 'srcu_read_unlock_unregister' } },
        },
        srcu_read_unlock: {
          tags: ['waiting'],
          on: { 'ret.srcu_read_unlock': { guard: 'fromUnregister', target: 'synchronize_srcu', actions: ['unhash_one', 'synchronize_srcu_unregister'] } },
        },
        // Waits for every callback in flight (a ->release exit_mmap runs on another thread too),
        // then BUG_ON(mm_count <= 0) and mmdrop.
        synchronize_srcu: {
          tags: ['waiting'],
          on: { 'ret.synchronize_srcu': { guard: 'fromUnregister', target: 'idle', actions: ['bugIfNoCount', 'forget_notifier', 'mmdrop', 'returnUnregister'] } },
        },
      },
    },
  },
});
