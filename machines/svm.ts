// intel-svm.c: intel_svm_bind_mm / intel_svm_unbind_mm under pasid_mutex, the mmu-notifier
// callbacks (intel_mm_release, intel_invalidate_range) which take no mutex and run side by side,
// one per calling thread, each inside the caller's SRCU read lock, and pasid_idr, which
// hands out the lowest free PASID like idr_alloc. One actor for the driver; each intel_svm and
// intel_svm_dev is an object in its context with a lifetime of its own.
import { assign, emit, enqueueActions, raise, setup } from 'xstate';
import { access, bug, callerOf, noop, ret, send, warn } from './emit.ts';
import { obj, patch, type Emitted, type Hunks, type Objs } from './objects.ts';
import { drainDescs, intel_flush_pasid_dev, intel_flush_svm_range_dev, type DevHw, type QiDesc } from './qi.ts';

interface Svm {
  pasid: number;
  /** NULL for a supervisor PASID (SVM_FLAG_SUPERVISOR_MODE): kernel addresses, init_mm's pgd. */
  mm: string | null;
  owner: string;
  pasidObj: string;
  devs: { dev: string; sdev: string }[];
}
interface Op {
  from: string;
  fn: string;
  ctx: string;
  dev: string;
  /** The bind's mm, null for a supervisor bind. */
  mm?: string | null;
  owner?: string;
  pasid?: number;
  svm?: string;
  /** A notifier callback's walk of svm->devs: the sdev it stands on (null: back at the head). */
  at?: string | null;
  /** The descriptors of the flush under way still to submit, each its own qi_submit_sync. */
  descs?: QiDesc[];
  /** A callback's step: the flush it waits on (intel_flush_pasid_dev, intel_flush_svm_range_dev). */
  step?: string;
  [k: string]: unknown;
}
interface Ctx {
  id: string;
  iommu: string;
  hunks: Hunks;
  /** sdev->did, sid, dev_iotlb, qdep per device, as intel_iommu_enable_pasid fills them. */
  devHw: Record<string, DevHw>;
  objs: Objs;
  /** pasid_idr: PASID → intel_svm. */
  idr: Record<string, string>;
  svms: Record<string, Svm>;
  seq: number;
  /** pasid_mutex's waiters (the blocked calls), and the call holding it. */
  mutexWaiters: Ev[];
  /** A woken waiter is on its way to take the mutex: wake no other. */
  handoff: boolean;
  op: Op | null;
  /** The notifier callbacks running, by the thread that runs each (its `ctx`), each with its own
   * walk of svm->devs; `step` names where it stands. */
  cbs: Record<string, Op>;
  rcu: Rcu;
}
/** RCU as the sdevs see it: the threads inside rcu_read_lock(), the ->next of each entry
 * list_del_rcu() unlinked (a walker standing on it still follows it), and each kfree_rcu()'s sdev
 * with the readers its grace period waits for (those inside when it was queued). */
interface Rcu {
  readers: string[];
  unlinked: Record<string, string | null>;
  pending: { sdev: string; waits: string[] }[];
}
type Ev = { type: string; from?: string; [k: string]: unknown };

const svmOf = (c: Ctx, o: Op | null) => (o?.svm ? c.svms[o.svm] : undefined);
/** The unbind's svm has no mm: a supervisor PASID. */
const supervisorSvm = (c: Ctx) => svmOf(c, c.op)!.mm === null;
const sdevOf = (c: Ctx, o: Op) => svmOf(c, o)?.devs.find((d) => d.dev === o.dev);
const usersOf = (c: Ctx, sdev: string) => c.objs[sdev]?.users ?? 0;
/** list_next_rcu from `at` (null: from the head): an entry still on the list gives its successor;
 * an unlinked one the successor it had when list_del_rcu() took it off. */
const nextRcu = (c: Ctx, svm: string | undefined, at: string | null): string | null => {
  const devs = (svm ? c.svms[svm]?.devs : undefined) ?? [];
  if (at === null) return devs[0]?.sdev ?? null;
  const i = devs.findIndex((d) => d.sdev === at);
  return i >= 0 ? (devs[i + 1]?.sdev ?? null) : (c.rcu.unlinked[at] ?? null);
};
/** rcu_read_unlock() by `reader`: every grace period it held up that has no reader left ends, and
 * its kfree_rcu() frees the sdev. */
const unlockRcu = (c: Ctx, reader: string): Pick<Ctx, 'rcu' | 'objs'> => {
  let objs = c.objs;
  const unlinked = { ...c.rcu.unlinked };
  const pending: Rcu['pending'] = [];
  for (const p of c.rcu.pending) {
    const waits = p.waits.filter((r) => r !== reader);
    if (waits.length > 0) pending.push({ ...p, waits });
    else {
      objs = patch(objs, p.sdev, { alive: false });
      delete unlinked[p.sdev];
    }
  }
  return { objs, rcu: { readers: c.rcu.readers.filter((r) => r !== reader), unlinked, pending } };
};
const svmForMm = (c: Ctx, mm: string | null) => Object.keys(c.svms).find((k) => c.svms[k]!.mm === mm);
/** idr_alloc(&pasid_idr, svm, 0, pasid_max): the lowest free id. */
const lowestFree = (idr: Record<string, string>) => {
  let p = 0;
  while (idr[p] !== undefined) p++;
  return p;
};
/** The svm holds `n` mm_users references: it pins its mm (refs) exactly when it holds one. */
const holding = (objs: Objs, svm: string, n: number) => patch(objs, svm, { heldUsers: n, refs: n > 0 ? [String(objs[svm]!.mm)] : [] });
/** The device a flush is for: unbind's own device (the unbound sdev's, already off svm->devs), or
 * that of the sdev a notifier callback's walk of svm->devs stands on (list_for_each_entry_rcu). */
const devOf = (c: Ctx, o: Op) => (o === c.op ? o.dev : String(c.objs[String(o.at)]!.dev));
/** The callback the event belongs to: the one its thread runs (a reply carries the ctx). */
const cbOf = (c: Ctx, e: Ev): Op | undefined => c.cbs[String(e.ctx)];
/** The callbacks with `o` set (added, or replaced), keys sorted: two threads' callbacks are one
 * state whichever began first. */
const withCb = (c: Ctx, o: Op): Record<string, Op> => Object.fromEntries(Object.entries({ ...c.cbs, [o.ctx]: o }).sort(([a], [b]) => (a < b ? -1 : 1)));
const withoutCb = (c: Ctx, ctx: string): Record<string, Op> => Object.fromEntries(Object.entries(c.cbs).filter(([k]) => k !== ctx));
const hwOf = (c: Ctx, dev: string): DevHw => c.devHw[dev] ?? { did: 1, sid: 0, ats: false, qdep: 0 };
/** What each flush writes (machines/qi.ts); `gl` is !svm->mm (the model's svms all have an mm). */
const FLUSHES: Record<string, (c: Ctx, o: Op) => QiDesc[]> = {
  // intel_flush_pasid_dev(svm, sdev, svm->pasid)
  pasid: (c, o) => [intel_flush_pasid_dev(svmOf(c, o)!.pasid, hwOf(c, devOf(c, o)))],
  // intel_flush_svm_range_dev(svm, sdev, 0, -1, 0, !svm->mm)
  all: (c, o) => intel_flush_svm_range_dev(svmOf(c, o)!.pasid, hwOf(c, devOf(c, o)), 0, -1, 0, svmOf(c, o)!.mm ? 0 : 1),
  // intel_invalidate_range: intel_flush_svm_range(svm, start, (end - start + PAGE_SIZE - 1) >> VTD_PAGE_SHIFT, 0, 0)
  range: (c, o) => intel_flush_svm_range_dev(svmOf(c, o)!.pasid, hwOf(c, devOf(c, o)), Number(o.start), Number(o.end) - Number(o.start), 0, 0),
};
/** A flush's next descriptor (qi_submit_sync), and the op or callback keeping the rest for the
 * returns: one descriptor per qi_submit_sync, as the driver writes them. As an action body:
 * `flush` names the flush that begins, null goes on with the descriptors it left. */
const qiStep =
  (slot: 'op' | 'cb', flush: keyof typeof FLUSHES | null, step?: string) =>
  ({ context: c, event, enqueue }: { context: Ctx; event: Ev; enqueue: { assign: (p: Partial<Ctx>) => void; emit: (e: Emitted) => void } }) => {
    const o = slot === 'op' ? c.op! : cbOf(c, event)!;
    const [first, ...rest] = flush ? FLUSHES[flush]!(c, o) : o.descs!;
    const next = { ...o, ...(rest.length || o.descs?.length ? { descs: rest } : {}), ...(step ? { step } : {}) };
    if (next.descs !== o.descs || next.step !== o.step) enqueue.assign(slot === 'op' ? { op: next } : { cbs: withCb(c, next) });
    // A callback's descriptors carry its thread, so that the return finds the callback.
    enqueue.emit(send(c.iommu, { type: 'qi_submit_sync', ...first!, ...(slot === 'op' ? { tag: 'unbind' } : { tag: 'notifier', ctx: o.ctx }) }));
  };


export const svmMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; iommu: string; hunks: Hunks; devHw?: Record<string, DevHw> } },
  actions: {
    // mutex_lock(&pasid_mutex) while held: sleep until the holder unlocks.
    mutex_wait: assign(({ context, event }) => ({ mutexWaiters: [...context.mutexWaiters, event] })),
    // mutex_unlock wakes the first waiter, which takes the mutex in its own step.
    mutex_wake: enqueueActions(({ context, enqueue }) => {
      const [next, ...rest] = context.mutexWaiters;
      enqueue.assign({ mutexWaiters: rest, handoff: true });
      enqueue.emit(send(context.id, next!, 'pasid_mutex'));
    }),
    beginOp: assign(({ event }) => ({ handoff: false, op: { ...callerOf(event), ...(event as object), ctx: String(event.ctx), dev: String(event.dev) } as Op })),
    // get_task_mm(current): mm_users +1 for the duration of the bind.
    get_task_mm: emit(({ context }) => send(context.op!.mm!, { type: 'mmget', ctx: context.op!.ctx })),
    // A reused svm: get_task_mm's reference is dropped at out, pre-fix too.
    useExisting: assign(({ context }) => ({ op: { ...context.op!, svm: svmForMm(context, context.op!.mm!), reused: true } })),
    // An sdev for this device exists already: sdev->users++.
    sdev_users_inc: assign(({ context }) => {
      const sdev = sdevOf(context, context.op!)!.sdev;
      return { objs: patch(context.objs, sdev, { users: usersOf(context, sdev) + 1 }) };
    }),
    // intel_iommu_enable_pasid(iommu, sdev): context entry, PASID/PRI/ATS on the device.
    intel_iommu_enable_pasid: emit(({ context }) => send(context.iommu, { type: 'intel_iommu_enable_pasid', dev: context.op!.dev })),
    // kzalloc(svm) + idr_alloc: the lowest free PASID.
    idr_alloc: assign(({ context }) => {
      const o = context.op!;
      const seq = context.seq + 1;
      const pasid = lowestFree(context.idr);
      const id = `svm#${seq}`;
      const pasidObj = `pasid#${seq}`;
      const svm: Svm = { pasid, mm: o.mm ?? null, owner: o.owner!, pasidObj, devs: [] };
      return {
        seq,
        idr: { ...context.idr, [pasid]: id },
        svms: { ...context.svms, [id]: svm },
        op: { ...o, svm: id, pasid },
        objs: {
          ...context.objs,
          [id]: obj('svm', o.owner!, { pasid, mm: o.mm, heldUsers: 0, refs: [], links: o.mm ? [o.mm, pasidObj] : [pasidObj] }),
          [pasidObj]: obj('pasid', o.owner!, { value: pasid }),
        },
      };
    }),
    // mmu_notifier_register(&svm->notifier, mm): mm_count +1.
    mmu_notifier_register: emit(({ context }) => send(context.op!.mm!, { type: 'mmu_notifier_register', ctx: context.op!.ctx, svm: context.op!.svm })),
    // pasid_table[pasid].val = __pa(mm->pgd) | 1; supervisor: __pa(init_mm.pgd) | 1 | (1ULL << 11), SRE.
    pasid_table_set: emit(({ context }) => {
      const o = context.op!;
      if (!o.mm) return send(context.iommu, { type: 'pasid_table_set', pasid: o.pasid, pgd: 'init_mm.pgd', sre: true, mm: null, owner: o.owner, svm: o.svm, pasidObj: svmOf(context, o)!.pasidObj });
      const mmNum = o.mm!.slice(o.mm!.indexOf('#') + 1);
      return send(context.iommu, { type: 'pasid_table_set', pasid: o.pasid, pgd: `pgd#${mmNum}`, mm: o.mm, owner: o.owner, svm: o.svm, pasidObj: svmOf(context, o)!.pasidObj });
    }),
    // list_add_rcu(&sdev->list, &svm->devs), sdev->users = 1: at the head, so a walk meets the
    // newest device first.
    list_add_rcu: assign(({ context }) => {
      const o = context.op!;
      const s = context.svms[o.svm!]!;
      const seq = context.seq + 1;
      const sdev = `sdev#${seq}`;
      return {
        seq,
        svms: { ...context.svms, [o.svm!]: { ...s, devs: [{ dev: o.dev, sdev }, ...s.devs] } },
        objs: { ...context.objs, [sdev]: obj('sdev', s.owner, { users: 1, dev: o.dev, svm: o.svm, links: [o.svm!, s.pasidObj] }) },
      };
    }),
    // Pre-fix `mm = NULL`: get_task_mm's mm_users reference now belongs to the svm (it pins the mm).
    keep_mm_users: assign(({ context }) => ({ objs: holding(context.objs, context.op!.svm!, 1) })),
    // out: mmput(mm) of get_task_mm's reference (pre-fix: only when an svm was reused).
    mmput: emit(({ context }) => send(context.op!.mm!, { type: 'mmput', ctx: context.op!.ctx })),
    returnPasid: emit(({ context }) => ret(context.op, { pasid: context.op!.pasid ?? svmOf(context, context.op)!.pasid, svm: context.op!.svm })),
    endOp: assign({ op: null }),
    // unbind: idr_find(&pasid_idr, pasid).
    idr_find_op: assign(({ context }) => ({ op: { ...context.op!, svm: context.idr[String(context.op!.pasid)] } })),
    sdev_users_dec: assign(({ context }) => {
      const sdev = sdevOf(context, context.op!)!.sdev;
      return { objs: patch(context.objs, sdev, { users: usersOf(context, sdev) - 1 }) };
    }),
    // list_del_rcu(&sdev->list), then flush this device's PASID cache and IOTLB.
    // A walker standing on the entry keeps its ->next (list_del_rcu poisons only ->prev).
    list_del_rcu: assign(({ context }) => {
      const o = context.op!;
      const s = context.svms[o.svm!]!;
      const sdev = sdevOf(context, o)!.sdev;
      const unlinked = { ...context.rcu.unlinked, [sdev]: nextRcu(context, o.svm, sdev) };
      return { op: { ...o, sdev }, svms: { ...context.svms, [o.svm!]: { ...s, devs: s.devs.filter((d) => d.dev !== o.dev) } }, rcu: { ...context.rcu, unlinked } };
    }),
    // kfree_rcu(sdev, rcu): freed once every reader inside rcu_read_lock() now has left (at once
    // if none is: the grace period can end before anything else runs).
    kfree_rcu_sdev: assign(({ context }) => {
      const sdev = String(context.op!.sdev);
      const waits = context.rcu.readers;
      if (waits.length === 0) {
        const unlinked = { ...context.rcu.unlinked };
        delete unlinked[sdev];
        return { objs: patch(context.objs, sdev, { alive: false }), rcu: { ...context.rcu, unlinked } };
      }
      return { rcu: { ...context.rcu, pending: [...context.rcu.pending, { sdev, waits }] } };
    }),
    // intel_flush_pasid_dev(svm, sdev, svm->pasid): one PASID-selective PASID-cache descriptor.
    intel_flush_pasid_dev: enqueueActions(qiStep('op', 'pasid')),
    // intel_flush_svm_range_dev(svm, sdev, 0, -1, 0, !svm->mm): the extended IOTLB descriptor first.
    intel_flush_svm_range_dev: enqueueActions(qiStep('op', 'all')),
    // if (sdev->dev_iotlb) qi_submit_sync(the device-IOTLB descriptor): the flush's next one.
    qi_submit_next_op: enqueueActions(qiStep('op', null)),
    // 4.4: mmu_notifier_unregister(&svm->notifier, svm->mm) with svm->mm NULL: its first
    // BUG_ON(atomic_read(&mm->mm_count) <= 0) dereferences NULL; the task dies in the unbind,
    // holding pasid_mutex.
    mmu_notifier_unregister_null: emit(() =>
      bug('invariant', 'BUG: unable to handle kernel NULL pointer dereference in mmu_notifier_unregister: 4.4\'s intel_svm_unbind_mm unregisters the notifier of a supervisor svm (svm->mm NULL, SVM_FLAG_SUPERVISOR_MODE); the task oopses holding pasid_mutex'),
    ),
    // 4fa064b26c2e (v4.19): intel_pasid_clear_entry(dev, svm->pasid) once the device's last user
    // is gone; with the model's one table, when svm->devs is empty (see docs/reference/fidelity.md).
    intel_pasid_clear_entry: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ op: { ...context.op!, cleared: true } });
      enqueue.emit(send(context.iommu, { type: 'pasid_table_clear', pasid: svmOf(context, context.op)!.pasid }));
    }),
    // 66ac4db36f4c, intel_svm_drain_prq's prq_retry: reinit_completion(&iommu->prq_complete),
    // read PQT and PQH, look for a request of this PASID between them (machines/iommu.ts).
    prq_retry: emit(({ context }) => send(context.iommu, { type: 'dmar_readq_pq', pasid: svmOf(context, context.op)!.pasid })),
    // wait_for_completion(&iommu->prq_complete), then goto prq_retry.
    wait_for_completion: emit(({ context }) => send(context.iommu, { type: 'wait_for_completion' })),
    // qi_retry: qi_submit_sync(iommu, desc, 3, QI_OPT_WAIT_DRAIN) (the PRO check after it is not
    // posed: the model's thread never clears PRO, see docs/reference/variants.md).
    qi_submit_sync_drain: emit(({ context }) => {
      const o = context.op!;
      return send(context.iommu, { type: 'qi_submit_sync', ...drainDescs(svmOf(context, o)!.pasid, hwOf(context, o.dev), o.dev), tag: 'unbind' });
    }),
    mmu_notifier_unregister: emit(({ context }) => send(svmOf(context, context.op)!.mm!, { type: 'mmu_notifier_unregister', ctx: context.op!.ctx, svm: context.op!.svm })),
    // idr_remove(&pasid_idr, svm->pasid): the PASID is free for the next bind.
    idr_remove: assign(({ context }) => {
      const s = svmOf(context, context.op)!;
      const idr = { ...context.idr };
      delete idr[s.pasid];
      return { idr, objs: patch(context.objs, s.pasidObj, { alive: false }) };
    }),
    // pre-fix: mmput(svm->mm), the reference the svm kept since bind.
    mmput_svm_mm: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ objs: holding(context.objs, context.op!.svm!, 0) });
      enqueue.emit(send(svmOf(context, context.op)!.mm!, { type: 'mmput', ctx: context.op!.ctx }));
    }),
    // memset(svm, 0x6b) + kfree(svm).
    kfree_svm: assign(({ context }) => {
      const svms = { ...context.svms };
      delete svms[context.op!.svm!];
      return { svms, objs: patch(context.objs, context.op!.svm!, { alive: false }) };
    }),
    returnOp: emit(({ context }) => ret(context.op)),
    // A callback begins on its thread; callbacks of other threads run on meanwhile.
    beginCb: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ cbs: withCb(context, { ...callerOf(event), ...(event as object), ctx: String(event.ctx), dev: '', at: null } as Op) });
      enqueue.emit(access(String(event.svm), event.type));
    }),
    // intel_mm_release: pasid_table[svm->pasid].val = 0.
    pasid_table_clear: emit(({ context, event }) =>
      send(context.iommu, { type: 'pasid_table_clear', pasid: svmOf(context, cbOf(context, event) ?? null)?.pasid ?? -1, ctx: String(event.ctx) }),
    ),
    // pre-fix: WARN_ON(!list_empty(&svm->devs)) — "no flush needed, no devices left".
    warn_on_devs: emit(({ context, event }) => {
      const cb = cbOf(context, event)!;
      return (svmOf(context, cb)?.devs.length ?? 0) > 0 ? warn(`WARNING: intel_mm_release with devices still bound to ${cb.svm} (no flush)`) : noop;
    }),
    // rcu_read_lock(); list_for_each_entry_rcu(sdev, &svm->devs, list): the walk starts at the head.
    rcu_read_lock_walk: assign(({ context, event }) => {
      const cb = cbOf(context, event)!;
      return { cbs: withCb(context, { ...cb, at: nextRcu(context, cb.svm, null) }), rcu: { ...context.rcu, readers: [...context.rcu.readers, cb.ctx] } };
    }),
    // The walk's next entry (list_next_rcu), from wherever it stands, on the list or unlinked.
    list_next_rcu: assign(({ context, event }) => {
      const cb = cbOf(context, event)!;
      return { cbs: withCb(context, { ...cb, at: nextRcu(context, cb.svm, cb.at as string) }) };
    }),
    // The walk goes on from where it stands (an event to itself, handled in this same step).
    walk: raise(({ event }) => ({ type: 'notifier.walk', ctx: event.ctx })),
    // rcu_read_unlock() at the walk's end: the grace periods it held up may end.
    rcu_read_unlock_cb: assign(({ context, event }) => unlockRcu(context, String(event.ctx))),
    // sdev->did, sdev->sid, sdev->dev_iotlb: the walk reads the entry it stands on.
    sdev_read: emit(({ context, event }) => {
      const cb = cbOf(context, event)!;
      return access(String(cb.at), `${cb.fn}: sdev`);
    }),
    // The fix: per sdev, PASID-cache flush and a full IOTLB/devTLB flush for the PASID.
    release_flush_pasid_dev: enqueueActions(qiStep('cb', 'pasid', 'intel_flush_pasid_dev')),
    release_flush_svm_range_dev: enqueueActions(qiStep('cb', 'all', 'intel_flush_svm_range_dev')),
    // intel_invalidate_range → intel_flush_svm_range: the range, for each sdev.
    flush_range_dev: enqueueActions(qiStep('cb', 'range', 'intel_flush_svm_range_dev')),
    // if (sdev->dev_iotlb) qi_submit_sync(the device-IOTLB descriptor): the flush's next one.
    qi_submit_next_cb: enqueueActions(qiStep('cb', null)),
    // The callback returns to mmu_notifier.c (its caller's srcu_read_unlock comes next).
    returnCb: enqueueActions(({ context, event, enqueue }) => {
      const cb = cbOf(context, event)!;
      enqueue.emit(send(cb.from, { type: `ret.${cb.fn}`, tag: cb.tag }));
      enqueue.assign({ cbs: withoutCb(context, cb.ctx) });
    }),
    // A thread runs one callback at a time: a second on the same thread is a model error.
    cb_same_thread: emit(({ event }) => bug('invariant', `BUG: ${event.type} on ${String(event.ctx)} while its callback runs`)),
    // prq_event_thread: idr_find under rcu_read_lock; no reference is taken on the svm.
    idr_find: emit(({ context, event }) => {
      const svm = context.idr[String(event.pasid)] ?? null;
      return ret(callerOf(event), { svm, mm: svm ? context.svms[svm]!.mm : null });
    }),
    // prq_event_thread's bad_req: rcu_read_lock(); list_for_each_entry_rcu(sdev, &svm->devs)
    // reads svm->devs and each sdev's sid up to the match (pure reads: one step); the thread stays
    // inside rcu_read_lock() until it sends rcu_read_unlock.
    prq_walk_devs: enqueueActions(({ context, event, enqueue }) => {
      enqueue.emit(access(String(event.svm), 'prq_event_thread'));
      // The sdev whose sid is the request's PCI_DEVID(bus, devfn) (sdev->sid, set by
      // intel_iommu_enable_pasid); a request carrying no requester id (a unit test's) by device.
      const mine = (sdev: string) => {
        const dev = String(context.objs[sdev]?.dev);
        return event.sid === undefined ? dev === event.dev : hwOf(context, dev).sid === event.sid;
      };
      let at = nextRcu(context, String(event.svm), null);
      while (at !== null) {
        enqueue.emit(access(at, 'prq_event_thread: sdev->sid'));
        if (mine(at)) break;
        at = nextRcu(context, String(event.svm), at);
      }
      enqueue.assign({ rcu: { ...context.rcu, readers: [...context.rcu.readers, String(event.ctx)] } });
      enqueue.emit(ret(callerOf(event), { sdev: at }));
    }),
    // prq_event_thread: rcu_read_unlock() ("it's OK to drop the 'lock' here now we have it").
    prq_rcu_read_unlock: assign(({ context, event }) => unlockRcu(context, String(event.ctx))),
    // sdev->ops->fault_cb(...): a read of the sdev after rcu_read_unlock(), RCU no longer keeps it.
    prq_fault_cb: enqueueActions(({ event, enqueue }) => {
      enqueue.emit(access(String(event.sdev), 'prq_event_thread: sdev->ops->fault_cb'));
      enqueue.emit(ret(callerOf(event)));
    }),
  },
  guards: {
    // A reply to the unbind (sent with no thread), not to a notifier callback's clear.
    notCbReply: ({ context, event }) => cbOf(context, event) === undefined,
    mutexWaiter: ({ context }) => context.mutexWaiters.length > 0 && !context.handoff,
    // intel_svm_bind_mm(dev, &pasid, SVM_FLAG_SUPERVISOR_MODE, ops): no get_task_mm, mm stays NULL.
    supervisorMode: ({ event }) => event.supervisor === true,
    supervisorOp: ({ context }) => context.op!.mm === null,
    // 4fa064b26c2e: the unbind clears the entry before the svm goes (once, when devs is empty).
    clearsEntry: ({ context }) => context.hunks.unbindClear && svmOf(context, context.op)!.devs.length === 0 && context.op!.cleared !== true,
    // The fix: `if (svm->mm) mmu_notifier_unregister(...)`: a supervisor svm is freed at once.
    supervisorEmptyIdrFirst: ({ context }) => context.hunks.mmCountOnly && svmOf(context, context.op)!.devs.length === 0 && supervisorSvm(context),
    // 4.4: the unconditional mmu_notifier_unregister(&svm->notifier, svm->mm), here with NULL.
    supervisorEmpty: ({ context }) => svmOf(context, context.op)!.devs.length === 0 && supervisorSvm(context),
    hasSdevForDev: ({ context }) => {
      const s = svmForMm(context, context.op!.mm!);
      return !!s && context.svms[s]!.devs.some((d) => d.dev === context.op!.dev);
    },
    hasSvmForMm: ({ context }) => !!svmForMm(context, context.op!.mm!),
    // Pre-fix the first bind keeps get_task_mm's reference (the `mm = NULL` line).
    keepsMmUsers: ({ context }) => !context.hunks.mmCountOnly && !context.op!.reused,
    // What the svm holds, not what the variant says: the reference keep_mm_users gave it.
    holdsMmUsers: ({ context }) => Number(context.objs[context.op!.svm!]?.heldUsers ?? 0) > 0,
    unknownPasid: ({ context }) => !context.op!.svm || !sdevOf(context, context.op!),
    lastUser: ({ context }) => usersOf(context, sdevOf(context, context.op!)!.sdev) === 1,
    // 66ac4db36f4c (v5.8): the last user's unbind tears the entry down and drains the PRQ.
    lastUserDrains: ({ context }) => context.hunks.drainPrq === true && usersOf(context, sdevOf(context, context.op!)!.sdev) === 1,
    // The drain's scan found a request of the PASID between PQH and PQT.
    prqHoldsPasid: ({ event }) => event.pending === true,
    devsEmpty: ({ context }) => svmOf(context, context.op)!.devs.length === 0,
    // The fix's unbind: `idr_remove(...); if (svm->mm) mmu_notifier_unregister(...)`.
    devsEmptyIdrFirst: ({ context }) => context.hunks.mmCountOnly && svmOf(context, context.op)!.devs.length === 0,
    // The svm's PASID is no longer in pasid_idr (the fix removed it before unregistering).
    idrRemoved: ({ context }) => context.idr[svmOf(context, context.op)!.pasid] !== context.op!.svm,
    releaseFlushes: ({ context }) => context.hunks.releaseFlush,
    // The walk stands on an entry (list_for_each_entry_rcu has not come back to the head).
    moreDevsRelease: ({ context, event }) => cbOf(context, event)?.fn === 'intel_mm_release' && cbOf(context, event)?.at !== null,
    moreDevsInvalidate: ({ context, event }) => cbOf(context, event)?.fn === 'intel_invalidate_range' && cbOf(context, event)?.at !== null,
    threadBusy: ({ context, event }) => cbOf(context, event) !== undefined,
    noCallbacks: ({ context }) => Object.keys(context.cbs).length === 0,
    tagUnbind: ({ event }) => event.tag === 'unbind',
    tagNotifier: ({ event }) => event.tag === 'notifier',
    // The release flush's PASID-cache descriptor came back: its IOTLB flush is next.
    atFlushPasidDev: ({ context, event }) => event.tag === 'notifier' && cbOf(context, event)?.step === 'intel_flush_pasid_dev',
    // The flush has another descriptor to write (the device-IOTLB one after the IOTLB one).
    moreDescsOp: ({ context, event }) => event.tag === 'unbind' && (context.op?.descs?.length ?? 0) > 0,
    moreDescsCb: ({ context, event }) => event.tag === 'notifier' && (cbOf(context, event)?.descs?.length ?? 0) > 0,
  },
}).createMachine({
  id: 'svm',
  context: ({ input }) => ({ ...input, devHw: input.devHw ?? {}, objs: {}, idr: {}, svms: {}, seq: 0, mutexWaiters: [], handoff: false, op: null, cbs: {}, rcu: { readers: [], unlinked: {}, pending: [] } }),
  type: 'parallel',
  on: {
    idr_find: { actions: 'idr_find' },
    list_for_each_entry_rcu: { actions: 'prq_walk_devs' },
    rcu_read_unlock: { actions: 'prq_rcu_read_unlock' },
    prq_fault_cb: { actions: 'prq_fault_cb' },
  },
  states: {
    pasid_mutex: {
      initial: 'unlocked',
      on: {
        intel_svm_bind_mm: { actions: 'mutex_wait' },
        intel_svm_unbind_mm: { actions: 'mutex_wait' },
      },
      states: {
        unlocked: {
          always: { guard: 'mutexWaiter', actions: 'mutex_wake' },
          on: {
            intel_svm_bind_mm: [
              { guard: 'supervisorMode', target: 'intel_svm_bind_mm.find_svm', actions: 'beginOp' },
              { target: 'intel_svm_bind_mm', actions: 'beginOp' },
            ],
            intel_svm_unbind_mm: { target: 'intel_svm_unbind_mm', actions: ['beginOp', 'idr_find_op'] },
          },
        },
        intel_svm_bind_mm: {
          initial: 'get_task_mm',
          states: {
            get_task_mm: {
              tags: ['waiting'],
              entry: 'get_task_mm',
              on: { 'ret.mmget': 'find_svm' },
            },
            // Walk pasid_idr for this mm's svm; reuse it, or enable PASID on the device.
            find_svm: {
              always: [
                { guard: 'hasSdevForDev', target: 'out', actions: ['useExisting', 'sdev_users_inc'] },
                { target: 'intel_iommu_enable_pasid', actions: 'intel_iommu_enable_pasid' },
              ],
            },
            intel_iommu_enable_pasid: {
              tags: ['waiting'],
              on: {
                'ret.intel_iommu_enable_pasid': [
                  { guard: 'hasSvmForMm', target: 'out', actions: ['useExisting', 'list_add_rcu'] },
                  // Supervisor: no mmu_notifier_register; the entry points at init_mm's pgd.
                  { guard: 'supervisorOp', target: 'pasid_table_set', actions: ['idr_alloc', 'pasid_table_set'] },
                  { target: 'mmu_notifier_register', actions: ['idr_alloc', 'mmu_notifier_register'] },
                ],
              },
            },
            mmu_notifier_register: {
              tags: ['waiting'],
              on: { 'ret.mmu_notifier_register': { target: 'pasid_table_set', actions: 'pasid_table_set' } },
            },
            pasid_table_set: {
              tags: ['waiting'],
              on: { 'ret.pasid_table_set': { target: 'out', actions: 'list_add_rcu' } },
            },
            // out: mutex_unlock, then mmput(mm) unless the svm keeps it (pre-fix first bind).
            out: {
              always: [
                // `if (mm) mmput(mm)`: a supervisor bind took no mm.
                { guard: 'supervisorOp', target: '#svm.pasid_mutex.unlocked', actions: ['returnPasid', 'endOp'] },
                { guard: 'keepsMmUsers', target: '#svm.pasid_mutex.unlocked', actions: ['keep_mm_users', 'returnPasid', 'endOp'] },
                { target: 'mmput', actions: 'mmput' },
              ],
            },
            mmput: {
              tags: ['waiting'],
              on: { 'ret.mmput': { target: '#svm.pasid_mutex.unlocked', actions: ['returnPasid', 'endOp'] } },
            },
          },
        },
        intel_svm_unbind_mm: {
          initial: 'idr_find',
          states: {
            idr_find: {
              always: [
                { guard: 'unknownPasid', target: '#svm.pasid_mutex.unlocked', actions: ['returnOp', 'endOp'] },
                { guard: 'lastUserDrains', target: 'intel_pasid_tear_down_entry', actions: ['sdev_users_dec', 'list_del_rcu'] },
                { guard: 'lastUser', target: 'intel_flush_pasid_dev', actions: ['sdev_users_dec', 'list_del_rcu', 'intel_flush_pasid_dev'] },
                { target: '#svm.pasid_mutex.unlocked', actions: ['sdev_users_dec', 'returnOp', 'endOp'] },
              ],
            },
            intel_flush_pasid_dev: {
              tags: ['waiting'],
              on: { 'ret.qi_submit_sync': { guard: 'tagUnbind', target: 'intel_flush_svm_range_dev', actions: 'intel_flush_svm_range_dev' } },
            },
            // 66ac4db36f4c (v5.8): intel_pasid_tear_down_entry(iommu, dev, svm->pasid) clears the
            // entry (the model's one table: once svm->devs is empty, as 4fa064b26c2e's clear)...
            intel_pasid_tear_down_entry: {
              always: [
                { guard: 'devsEmpty', target: 'pasid_table_clear', actions: 'intel_pasid_clear_entry' },
                { target: 'pasid_cache_invalidation_with_pasid', actions: 'intel_flush_pasid_dev' },
              ],
            },
            // intel_pasid_clear_entry(dev, pasid): the entry written not present.
            pasid_table_clear: {
              tags: ['waiting'],
              on: { 'ret.pasid_table_clear': { guard: 'notCbReply', target: 'pasid_cache_invalidation_with_pasid', actions: 'intel_flush_pasid_dev' } },
            },
            // ...flushes the PASID cache for it...
            pasid_cache_invalidation_with_pasid: {
              tags: ['waiting'],
              on: { 'ret.qi_submit_sync': { guard: 'tagUnbind', target: 'iotlb_invalidation_with_pasid', actions: 'intel_flush_svm_range_dev' } },
            },
            // ...then the PASID's IOTLB and (ATS) device-TLB entries, each descriptor with a plain
            // wait (no drain flag); then intel_svm_drain_prq(dev, svm->pasid).
            iotlb_invalidation_with_pasid: {
              tags: ['waiting'],
              on: {
                'ret.qi_submit_sync': [
                  { guard: 'moreDescsOp', actions: 'qi_submit_next_op' },
                  { guard: 'tagUnbind', target: 'intel_svm_drain_prq', actions: 'prq_retry' },
                ],
              },
            },
            // intel_svm_drain_prq, under pasid_mutex: wait until the PRQ holds no request of the
            // PASID, then the page-drain; then intel_flush_svm_range_dev and kfree_rcu as before.
            intel_svm_drain_prq: {
              initial: 'prq_retry',
              states: {
                // prq_retry: reinit_completion, scan PQH..PQT for the PASID.
                prq_retry: {
                  tags: ['waiting'],
                  on: {
                    'ret.dmar_readq_pq': [
                      { guard: 'prqHoldsPasid', target: 'wait_for_completion', actions: 'wait_for_completion' },
                      { target: 'qi_retry', actions: 'qi_submit_sync_drain' },
                    ],
                  },
                },
                // wait_for_completion(&iommu->prq_complete); goto prq_retry.
                wait_for_completion: {
                  tags: ['waiting'],
                  on: { 'ret.wait_for_completion': { target: 'prq_retry', actions: 'prq_retry' } },
                },
                // qi_retry: qi_submit_sync(iommu, desc, 3, QI_OPT_WAIT_DRAIN).
                qi_retry: {
                  tags: ['waiting'],
                  on: { 'ret.qi_submit_sync': { guard: 'tagUnbind', target: '#svm.pasid_mutex.intel_svm_unbind_mm.intel_flush_svm_range_dev', actions: 'intel_flush_svm_range_dev' } },
                },
              },
            },
            intel_flush_svm_range_dev: {
              tags: ['waiting'],
              on: {
                'ret.qi_submit_sync': [
                  { guard: 'moreDescsOp', actions: 'qi_submit_next_op' },
                  { guard: 'tagUnbind', target: 'kfree_rcu', actions: 'kfree_rcu_sdev' },
                ],
              },
            },
            // devs empty: pre-fix mmu_notifier_unregister()s, then idr_remove()s and mmput()s; the
            // fix idr_remove()s first, so while unregister runs a page request finds no svm.
            kfree_rcu: {
              // if svm->devs is empty the svm goes (4fa064b26c2e clears the entry first).
              always: [
                { guard: 'clearsEntry', target: 'intel_pasid_clear_entry', actions: 'intel_pasid_clear_entry' },
                { guard: 'supervisorEmptyIdrFirst', target: '#svm.pasid_mutex.unlocked', actions: ['idr_remove', 'kfree_svm', 'returnOp', 'endOp'] },
                { guard: 'devsEmptyIdrFirst', target: 'mmu_notifier_unregister', actions: ['idr_remove', 'mmu_notifier_unregister'] },
                { guard: 'supervisorEmpty', target: 'oops', actions: 'mmu_notifier_unregister_null' },
                { guard: 'devsEmpty', target: 'mmu_notifier_unregister', actions: 'mmu_notifier_unregister' },
                { target: '#svm.pasid_mutex.unlocked', actions: ['returnOp', 'endOp'] },
              ],
            },
            // 4fa064b26c2e: the entry cleared (pasid_table[pasid] = 0) before idr_remove.
            intel_pasid_clear_entry: {
              tags: ['waiting'],
              on: { 'ret.pasid_table_clear': { guard: 'notCbReply', target: 'list_empty' } },
            },
            list_empty: {
              always: [
                { guard: 'supervisorEmptyIdrFirst', target: '#svm.pasid_mutex.unlocked', actions: ['idr_remove', 'kfree_svm', 'returnOp', 'endOp'] },
                { guard: 'devsEmptyIdrFirst', target: 'mmu_notifier_unregister', actions: ['idr_remove', 'mmu_notifier_unregister'] },
                { guard: 'supervisorEmpty', target: 'oops', actions: 'mmu_notifier_unregister_null' },
                { guard: 'devsEmpty', target: 'mmu_notifier_unregister', actions: 'mmu_notifier_unregister' },
                { target: '#svm.pasid_mutex.unlocked', actions: ['returnOp', 'endOp'] },
              ],
            },
            // 4.4's NULL svm->mm in mmu_notifier_unregister: the task is gone, pasid_mutex held.
            oops: {},
            mmu_notifier_unregister: {
              tags: ['waiting'],
              on: {
                'ret.mmu_notifier_unregister': [
                  { guard: 'holdsMmUsers', target: 'mmput', actions: ['idr_remove', 'mmput_svm_mm'] },
                  { guard: 'idrRemoved', target: '#svm.pasid_mutex.unlocked', actions: ['kfree_svm', 'returnOp', 'endOp'] },
                  { target: '#svm.pasid_mutex.unlocked', actions: ['idr_remove', 'kfree_svm', 'returnOp', 'endOp'] },
                ],
              },
            },
            // pre-fix: the svm's mm_users; if the task is gone, exit_mmap runs here, under pasid_mutex.
            mmput: {
              tags: ['waiting'],
              on: { 'ret.mmput': { target: '#svm.pasid_mutex.unlocked', actions: ['kfree_svm', 'returnOp', 'endOp'] } },
            },
          },
        },
      },
    },
    // The mmu-notifier callbacks, inside the caller's SRCU read lock: no pasid_mutex, and no lock
    // between them: each thread's callback walks svm->devs on its own (its own RCU reader), and
    // the replies of its flushes come back with its thread.
    mmu_notifier: {
      initial: 'idle',
      on: {
        intel_mm_release: [
          { guard: 'threadBusy', actions: 'cb_same_thread' },
          { target: '.callbacks', actions: ['beginCb', 'pasid_table_clear'] },
        ],
        intel_invalidate_range: [
          { guard: 'threadBusy', actions: 'cb_same_thread' },
          // rcu_read_lock(); list_for_each_entry_rcu(sdev, &svm->devs): one range flush each.
          { target: '.callbacks', actions: ['beginCb', 'rcu_read_lock_walk', 'walk'] },
        ],
        // intel_mm_release, once the entry is clear: the fix walks svm->devs, pre-fix WARN_ONs.
        'ret.pasid_table_clear': [
          { guard: 'notCbReply' },
          { guard: 'releaseFlushes', actions: ['rcu_read_lock_walk', 'walk'] },
          { actions: ['warn_on_devs', 'returnCb'] },
        ],
        'ret.qi_submit_sync': [
          { guard: 'moreDescsCb', actions: 'qi_submit_next_cb' },
          { guard: 'atFlushPasidDev', actions: 'release_flush_svm_range_dev' },
          { guard: 'tagNotifier', actions: ['list_next_rcu', 'walk'] },
        ],
        // list_for_each_entry_rcu: intel_mm_release flushes PASID cache, then IOTLB, per sdev;
        // intel_invalidate_range → intel_flush_svm_range the range; at the head, rcu_read_unlock.
        'notifier.walk': [
          { guard: 'moreDevsRelease', actions: ['sdev_read', 'release_flush_pasid_dev'] },
          { guard: 'moreDevsInvalidate', actions: ['sdev_read', 'flush_range_dev'] },
          { actions: ['rcu_read_unlock_cb', 'returnCb'] },
        ],
      },
      states: {
        idle: {},
        // One callback or more in flight, each on its own thread.
        callbacks: {
          tags: ['waiting'],
          always: { guard: 'noCallbacks', target: 'idle' },
        },
      },
    },
  },
});
