// RCU as 4.4's intel-svm.c uses it on svm->devs: rcu_read_lock readers (prq_event_thread's bad_req
// walk, intel_mm_release's and intel_flush_svm_range's walks), list_del_rcu keeping the unlinked
// entry's ->next, kfree_rcu freeing the sdev once every reader inside at the call has left, walks
// that follow list_next_rcu, and list_add_rcu at the head.
import { describe, expect, it } from 'vitest';
import { svmMachine } from '../../machines/svm.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { drive, sent } from './harness.ts';

// A domain each (issue 26: the descriptors carry the DID, not the device): dma#N has did N.
const devHw = Object.fromEntries([1, 2, 3].map((n) => [`dma#${n}`, { did: n, sid: 0x08 + n, ats: false, qdep: 0 }]));
const svm = () => drive(svmMachine, { id: 'svm', iommu: 'iommu', hunks: variantByName('fixed').hunks, devHw });
/** The device a flush descriptor is for, by its DID. */
const devOfDesc = (d: { did?: number } | undefined) => (d?.did === undefined ? undefined : `dma#${d.did}`);
type D = ReturnType<typeof svm>;

/** One svm with `devs` bound, in bind order (each list_add_rcu at the head). */
const bound = (devs: string[]) => {
  const s = svm();
  for (const dev of devs) {
    s.send({ type: 'intel_svm_bind_mm', ctx: 'process#1', dev, mm: 'mm#1', owner: 'process#1' }, 'file#1');
    s.send({ type: 'ret.mmget' }, 'mm#1');
    s.send({ type: 'ret.intel_iommu_enable_pasid', did: 1 }, 'iommu');
    if (dev === devs[0]) {
      s.send({ type: 'ret.mmu_notifier_register' }, 'mm#1');
      s.send({ type: 'ret.pasid_table_set' }, 'iommu');
    }
    s.send({ type: 'ret.mmput' }, 'mm#1');
  }
  return s;
};
const sdevOf = (s: D, dev: string): string => s.context.svms['svm#1'].devs.find((d: { dev: string }) => d.dev === dev)?.sdev;
const alive = (s: D, sdev: string) => s.context.objs[sdev].alive;
/** intel_svm_unbind_mm of `dev` (not the last device) up to its kfree_rcu; returns the flushes' devices. */
const unbind = (s: D, dev: string, ctx = 'process#2') => {
  const flushed = [devOfDesc(sent(s.send({ type: 'intel_svm_unbind_mm', ctx, dev, pasid: 0 }, 'file#2'), 'qi_submit_sync'))];
  flushed.push(devOfDesc(sent(s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu'), 'qi_submit_sync')));
  s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu');
  return flushed;
};
/** intel_invalidate_range by `ctx`: the walk starts (rcu_read_lock) and flushes the head entry. */
const invalidate = (s: D, ctx = 'process#1') => sent(s.send({ type: 'intel_invalidate_range', ctx, svm: 'svm#1', mm: 'mm#1', start: 16, end: 20, tag: 'munmap' }, 'mm#1'), 'qi_submit_sync');
/** The iommu's return of a callback's qi_submit_sync: it comes back with the callback's thread. */
const nextFlush = (s: D, ctx = 'process#1') => s.send({ type: 'ret.qi_submit_sync', tag: 'notifier', ctx }, 'iommu');

describe('list_add_rcu and the unbind flush', () => {
  it('list_add_rcu(&sdev->list, &svm->devs) inserts at the head', () => {
    const s = bound(['dma#1', 'dma#2', 'dma#3']);
    expect(s.context.svms['svm#1'].devs.map((d: { dev: string }) => d.dev)).toEqual(['dma#3', 'dma#2', 'dma#1']);
  });
  it("unbind flushes the unbound device's PASID cache and IOTLB, whichever device list_del_rcu leaves at the head", () => {
    // The old flush named devs[0] after list_del_rcu: dma#1 here, another device's.
    expect(unbind(bound(['dma#1', 'dma#2']), 'dma#2')).toEqual(['dma#2', 'dma#2']);
    expect(unbind(bound(['dma#1', 'dma#2']), 'dma#1')).toEqual(['dma#1', 'dma#1']);
  });
});

describe('kfree_rcu(sdev): a grace period waits for the readers inside rcu_read_lock() at the call', () => {
  it('no reader inside: the sdev is freed at once', () => {
    const s = bound(['dma#1', 'dma#2']);
    const b = sdevOf(s, 'dma#2');
    unbind(s, 'dma#2');
    expect(alive(s, b)).toBe(false);
    expect(s.context.rcu).toEqual({ readers: [], unlinked: {}, pending: [] });
  });

  it("prq_event_thread inside bad_req's walk: the sdev outlives the unbind until its rcu_read_unlock", () => {
    const s = bound(['dma#1', 'dma#2']);
    const b = sdevOf(s, 'dma#2');
    s.send({ type: 'list_for_each_entry_rcu', ctx: 'prq', svm: 'svm#1', dev: 'dma#1' }, 'prq');
    unbind(s, 'dma#2');
    expect(alive(s, b)).toBe(true);
    expect(s.context.rcu.pending).toEqual([{ sdev: b, waits: ['prq'] }]);
    s.send({ type: 'rcu_read_unlock', ctx: 'prq' }, 'prq');
    expect(alive(s, b)).toBe(false);
  });

  it('a reader that entered after the call does not hold the grace period up', () => {
    const s = bound(['dma#1', 'dma#2']);
    const b = sdevOf(s, 'dma#2');
    invalidate(s, 'process#1');
    unbind(s, 'dma#2');
    s.send({ type: 'list_for_each_entry_rcu', ctx: 'prq', svm: 'svm#1', dev: 'dma#1' }, 'prq');
    expect(s.context.rcu.pending).toEqual([{ sdev: b, waits: ['process#1'] }]);
    // The range walk goes on to dma#1 and ends: its rcu_read_unlock ends the grace period, prq still inside.
    nextFlush(s);
    nextFlush(s);
    expect(s.state).toMatch(/mmu_notifier\.idle/);
    expect(alive(s, b)).toBe(false);
    expect(s.context.rcu.readers).toEqual(['prq']);
  });

  it('fault_cb after rcu_read_unlock reads an sdev RCU no longer keeps: a use after free if it was unbound', () => {
    const s = bound(['dma#1', 'dma#2']);
    const a = sdevOf(s, 'dma#1');
    s.send({ type: 'list_for_each_entry_rcu', ctx: 'prq', svm: 'svm#1', dev: 'dma#1' }, 'prq');
    s.send({ type: 'rcu_read_unlock', ctx: 'prq' }, 'prq');
    unbind(s, 'dma#1');
    expect(alive(s, a)).toBe(false);
    expect(s.send({ type: 'prq_fault_cb', ctx: 'prq', sdev: a }, 'prq')).toContainEqual({ type: 'access', obj: a, how: 'prq_event_thread: sdev->ops->fault_cb' });
  });
});

describe('a walk follows list_next_rcu: an entry deleted under it may or may not be seen', () => {
  it('the walk stands on the entry list_del_rcu takes off: it goes on through the ->next it kept', () => {
    const s = bound(['dma#1', 'dma#2']);
    const [b, a] = [sdevOf(s, 'dma#2'), sdevOf(s, 'dma#1')];
    expect(invalidate(s)).toMatchObject({ desc: 'eiotlb', gran: 'psi-pasid', did: 2 });
    unbind(s, 'dma#2');
    expect(s.context.rcu.unlinked).toEqual({ [b]: a });
    const out = nextFlush(s);
    expect(sent(out, 'qi_submit_sync')).toMatchObject({ did: 1 });
    expect(out).toContainEqual({ type: 'access', obj: sdevOf(s, 'dma#1'), how: 'intel_invalidate_range: sdev' });
  });

  it('the entry after the walker is deleted before it moves on: the walk does not see it', () => {
    const s = bound(['dma#1', 'dma#2']);
    invalidate(s);
    unbind(s, 'dma#1');
    const out = nextFlush(s);
    expect(sent(out, 'qi_submit_sync')).toBeUndefined();
    expect(sent(out, 'ret.intel_invalidate_range')).toBeDefined();
  });

  it('intel_mm_release walks under rcu_read_lock too: a kfree_rcu meanwhile waits for it', () => {
    const s = bound(['dma#1', 'dma#2']);
    const b = sdevOf(s, 'dma#2');
    s.send({ type: 'intel_mm_release', ctx: 'process#1', svm: 'svm#1', mm: 'mm#1', tag: 'exit' }, 'mm#1');
    const first = s.send({ type: 'ret.pasid_table_clear', ctx: 'process#1' }, 'iommu');
    expect(sent(first, 'qi_submit_sync')).toMatchObject({ desc: 'pasid-cache', did: 2 });
    expect(s.context.rcu.readers).toEqual(['process#1']);
    unbind(s, 'dma#2');
    expect(alive(s, b)).toBe(true);
    nextFlush(s); // dma#2's IOTLB
    nextFlush(s); // on to dma#1 (the ->next dma#2's sdev kept): its PASID cache
    nextFlush(s); // dma#1's IOTLB
    const end = nextFlush(s);
    expect(sent(end, 'ret.intel_mm_release')).toBeDefined();
    expect(alive(s, b)).toBe(false);
  });
});

describe('notifier callbacks of different threads run side by side, each with its own walk', () => {
  it('an intel_invalidate_range and an intel_mm_release on two threads: both inside at once, each reply to its own', () => {
    const s = bound(['dma#1', 'dma#2']);
    expect(invalidate(s, 'process#1')).toMatchObject({ desc: 'eiotlb', gran: 'psi-pasid', did: 2 });
    // no queue: the release on another thread starts while the range walk waits on its flush
    expect(sent(s.send({ type: 'intel_mm_release', ctx: 'kworker', svm: 'svm#1', mm: 'mm#1', tag: 'unregister' }, 'mm#1'), 'pasid_table_clear')).toMatchObject({ ctx: 'kworker' });
    expect(Object.keys(s.context.cbs)).toEqual(['kworker', 'process#1']);
    expect(sent(s.send({ type: 'ret.pasid_table_clear', ctx: 'kworker' }, 'iommu'), 'qi_submit_sync')).toMatchObject({ desc: 'pasid-cache', did: 2, ctx: 'kworker' });
    expect(s.context.rcu.readers).toEqual(['process#1', 'kworker']);
    // process#1's walk moves on to dma#1; kworker's stays on dma#2 for its IOTLB flush
    expect(sent(nextFlush(s, 'process#1'), 'qi_submit_sync')).toMatchObject({ desc: 'eiotlb', gran: 'psi-pasid', did: 1, ctx: 'process#1' });
    expect(sent(nextFlush(s, 'kworker'), 'qi_submit_sync')).toMatchObject({ desc: 'eiotlb', gran: 'nong-pasid', did: 2, ctx: 'kworker' });
    expect(sent(nextFlush(s, 'process#1'), 'ret.intel_invalidate_range')).toMatchObject({ tag: 'munmap' });
    expect(s.context.rcu.readers).toEqual(['kworker']);
    expect(s.state).toMatch(/mmu_notifier\.callbacks/);
    nextFlush(s, 'kworker'); // dma#1's PASID cache
    nextFlush(s, 'kworker'); // dma#1's IOTLB
    expect(sent(nextFlush(s, 'kworker'), 'ret.intel_mm_release')).toMatchObject({ tag: 'unregister' });
    expect(s.state).toMatch(/mmu_notifier\.idle/);
    expect(s.context.cbs).toEqual({});
  });

  it('a second callback on a thread whose callback runs is a model error', () => {
    const s = bound(['dma#1']);
    invalidate(s, 'process#1');
    const out = s.send({ type: 'intel_mm_release', ctx: 'process#1', svm: 'svm#1', mm: 'mm#1', tag: 'exit' }, 'mm#1');
    expect(out).toContainEqual({ type: 'bug', oracle: 'invariant', message: 'BUG: intel_mm_release on process#1 while its callback runs' });
  });
});
