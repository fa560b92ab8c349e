import { describe, expect, it } from 'vitest';
import { svmMachine } from '../../machines/svm.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { drive, sends, sent } from './harness.ts';

const svm = (kernel = 'fixed') => drive(svmMachine, { id: 'svm', iommu: 'iommu', hunks: variantByName(kernel).hunks });
type D = ReturnType<typeof svm>;
const bind = (s: D, mm = 'mm#1', dev = 'dma#1', from = 'file#1') => {
  s.send({ type: 'intel_svm_bind_mm', ctx: 'process#1', dev, mm, owner: 'process#1' }, from);
  s.send({ type: 'ret.mmget' }, mm);
  return s.send({ type: 'ret.intel_iommu_enable_pasid', did: 1 }, 'iommu');
};
const completeBind = (s: D, mm = 'mm#1') => {
  s.send({ type: 'ret.mmu_notifier_register' }, mm);
  return s.send({ type: 'ret.pasid_table_set' }, 'iommu');
};

describe('svm machine (intel-svm.c)', () => {
  it('bind: get_task_mm, enable PASID, idr_alloc, register, set the entry; fixed mmput()s at out', () => {
    const s = svm();
    expect(sends(bind(s))).toEqual(['mm#1:mmu_notifier_register']);
    expect(sent(completeBind(s), 'mmput')).toBeDefined();
    expect(sent(s.send({ type: 'ret.mmput' }, 'mm#1'), 'ret.intel_svm_bind_mm')).toMatchObject({ pasid: 0, svm: 'svm#1' });
    expect(s.state).toBe('pasid_mutex.unlocked|mmu_notifier.idle');
  });

  it('pre-fix keeps get_task_mm\'s reference: no mmput, the svm holds mm_users', () => {
    const s = svm('pre-fix');
    bind(s);
    expect(sends(completeBind(s))).toEqual(['file#1:ret.intel_svm_bind_mm']);
    expect(s.context.objs['svm#1'].refs).toEqual(['mm#1']);
  });

  it('idr_alloc hands out the lowest free PASID; a freed one is reused', () => {
    const s = svm('pre-fix');
    bind(s, 'mm#1');
    completeBind(s, 'mm#1');
    bind(s, 'mm#2', 'dma#1', 'file#2');
    completeBind(s, 'mm#2');
    expect(Object.keys(s.context.idr)).toEqual(['0', '1']);
    s.send({ type: 'intel_svm_unbind_mm', ctx: 'process#1', dev: 'dma#1', pasid: 0 }, 'file#1');
    s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu');
    s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu');
    s.send({ type: 'ret.mmu_notifier_unregister' }, 'mm#1');
    s.send({ type: 'ret.mmput' }, 'mm#1');
    bind(s, 'mm#3', 'dma#1', 'file#3');
    completeBind(s, 'mm#3');
    expect(s.context.idr).toEqual({ 0: 'svm#5', 1: 'svm#3' });
  });

  it('a second device of the same mm reuses the svm; the same device again bumps sdev->users', () => {
    const s = svm();
    bind(s);
    completeBind(s);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    expect(sends(bind(s, 'mm#1', 'dma#2'))).toEqual(['mm#1:mmput']);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    s.send({ type: 'intel_svm_bind_mm', ctx: 'p', dev: 'dma#2', mm: 'mm#1', owner: 'process#1' }, 'file#1');
    expect(sends(s.send({ type: 'ret.mmget' }, 'mm#1'))).toEqual(['mm#1:mmput']);
    // list_add_rcu(&sdev->list, &svm->devs) adds at the head: the newest device first.
    expect(s.context.svms['svm#1'].devs.map((d: { dev: string }) => d.dev)).toEqual(['dma#2', 'dma#1']);
    const sdev = s.context.svms['svm#1'].devs[0].sdev;
    expect(s.context.objs[sdev].users).toBe(2);
  });

  it('pasid_mutex: a bind while another holds it waits, then is re-sent to itself on unlock', () => {
    const s = svm();
    s.send({ type: 'intel_svm_bind_mm', ctx: 'a', dev: 'dma#1', mm: 'mm#1', owner: 'process#1' }, 'file#1');
    expect(sends(s.send({ type: 'intel_svm_bind_mm', ctx: 'b', dev: 'dma#1', mm: 'mm#2', owner: 'process#2' }, 'file#2'))).toEqual([]);
    s.send({ type: 'ret.mmget' }, 'mm#1');
    s.send({ type: 'ret.intel_iommu_enable_pasid' }, 'iommu');
    completeBind(s);
    const out = s.send({ type: 'ret.mmput' }, 'mm#1');
    expect(sends(out)).toEqual(['file#1:ret.intel_svm_bind_mm', 'svm:intel_svm_bind_mm']);
    expect(sent(out, 'intel_svm_bind_mm')).toMatchObject({ from: 'file#2', lane: 'pasid_mutex' });
  });

  it('unbind, fixed: flush PASID cache and IOTLB, free the sdev, idr_remove before unregister, no mmput', () => {
    const s = svm();
    bind(s);
    completeBind(s);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    expect(sent(s.send({ type: 'intel_svm_unbind_mm', ctx: 'p', dev: 'dma#1', pasid: 0 }, 'file#1'), 'qi_submit_sync')).toMatchObject({ desc: 'pasid-cache' });
    expect(sent(s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu'), 'qi_submit_sync')).toMatchObject({ desc: 'eiotlb', gran: 'nong-pasid', pasid: 0 });
    expect(sends(s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu'))).toEqual(['mm#1:mmu_notifier_unregister']);
    // e57e58bd390a: idr_remove() comes first, so while unregister runs the PASID is free and
    // prq_event_thread's idr_find finds no svm (no_pasid); the svm itself is not yet freed.
    expect(s.context.objs['pasid#1'].alive).toBe(false);
    expect(s.context.idr).toEqual({});
    expect(s.context.objs['svm#1'].alive).toBe(true);
    expect(sent(s.send({ type: 'idr_find', ctx: 'prq', pasid: 0 }, 'prq'), 'ret.idr_find')).toMatchObject({ svm: null });
    expect(sends(s.send({ type: 'ret.mmu_notifier_unregister' }, 'mm#1'))).toEqual(['file#1:ret.intel_svm_unbind_mm']);
    expect([s.context.objs['svm#1'].alive, s.context.objs['pasid#1'].alive]).toEqual([false, false]);
  });

  it('unbind, pre-fix: unregister, then idr_remove and mmput of the svm\'s mm_users', () => {
    const s = svm('pre-fix');
    bind(s);
    completeBind(s);
    s.send({ type: 'intel_svm_unbind_mm', ctx: 'p', dev: 'dma#1', pasid: 0 }, 'file#1');
    s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu');
    s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu');
    expect(sends(s.send({ type: 'ret.mmu_notifier_unregister' }, 'mm#1'))).toEqual(['mm#1:mmput']);
    expect(s.context.objs['pasid#1'].alive).toBe(false);
    expect(s.context.objs['svm#1'].alive).toBe(true);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    expect(s.context.objs['svm#1'].alive).toBe(false);
  });

  it('intel_mm_release, fixed: clear the entry, then per sdev flush PASID cache and IOTLB — no mutex', () => {
    const s = svm();
    bind(s);
    completeBind(s);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    const r = s.send({ type: 'intel_mm_release', ctx: 'p', svm: 'svm#1', mm: 'mm#1', tag: 'exit' }, 'mm#1');
    expect(r).toContainEqual({ type: 'access', obj: 'svm#1', how: 'intel_mm_release' });
    expect(sends(r)).toEqual(['iommu:pasid_table_clear']);
    expect(sent(s.send({ type: 'ret.pasid_table_clear', ctx: 'p' }, 'iommu'), 'qi_submit_sync')).toMatchObject({ desc: 'pasid-cache', tag: 'notifier' });
    expect(sent(s.send({ type: 'ret.qi_submit_sync', tag: 'notifier', ctx: 'p' }, 'iommu'), 'qi_submit_sync')).toMatchObject({ desc: 'eiotlb', gran: 'nong-pasid', pasid: 0 });
    expect(sent(s.send({ type: 'ret.qi_submit_sync', tag: 'notifier', ctx: 'p' }, 'iommu'), 'ret.intel_mm_release')).toMatchObject({ tag: 'exit' });
  });

  it('intel_mm_release without the flush hunk: clear only, and WARN_ON(devices bound)', () => {
    const s = svm('fixed-no-release-flush');
    bind(s);
    completeBind(s);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    s.send({ type: 'intel_mm_release', ctx: 'p', svm: 'svm#1', mm: 'mm#1', tag: 'exit' }, 'mm#1');
    const out = s.send({ type: 'ret.pasid_table_clear', ctx: 'p' }, 'iommu');
    expect(sends(out)).toEqual(['mm#1:ret.intel_mm_release']);
    expect(out.some((e) => e.type === 'warn')).toBe(true);
  });

  it('idr_find serves the fault handler while the mutex is held; bad_req\'s walk touches the svm', () => {
    const s = svm();
    bind(s);
    expect(sent(s.send({ type: 'idr_find', pasid: 0 }, 'prq'), 'ret.idr_find')).toMatchObject({ svm: 'svm#1', mm: 'mm#1' });
    expect(sent(s.send({ type: 'idr_find', pasid: 7 }, 'prq'), 'ret.idr_find')).toMatchObject({ svm: null });
    expect(s.send({ type: 'list_for_each_entry_rcu', ctx: 'prq', svm: 'svm#1', dev: 'dma#1' }, 'prq')).toContainEqual({ type: 'access', obj: 'svm#1', how: 'prq_event_thread' });
  });
});

describe('66ac4db36f4c (tried, off the line): the unbind tears the entry down, then intel_svm_drain_prq', () => {
  const bound = () => {
    const s = svm('v5.8-66ac4db36f4c');
    bind(s);
    completeBind(s);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    return s;
  };
  const qiRet = (s: D) => s.send({ type: 'ret.qi_submit_sync', tag: 'unbind' }, 'iommu');
  it('clear, PASID cache, IOTLB, then the scan; a request of the PASID found: wait, scan again', () => {
    const s = bound();
    expect(sends(s.send({ type: 'intel_svm_unbind_mm', ctx: 'process#1', dev: 'dma#1', pasid: 0 }, 'file#1'))).toEqual(['iommu:pasid_table_clear']);
    expect(sent(s.send({ type: 'ret.pasid_table_clear' }, 'iommu'), 'qi_submit_sync')).toMatchObject({ desc: 'pasid-cache', pasid: 0 });
    expect(sent(qiRet(s), 'qi_submit_sync')).toMatchObject({ desc: 'eiotlb', gran: 'nong-pasid' });
    // prq_retry: reinit_completion, PQT, PQH and the ring, for PASID 0.
    expect(sent(qiRet(s), 'dmar_readq_pq')).toMatchObject({ pasid: 0 });
    expect(s.state).toBe('pasid_mutex.intel_svm_unbind_mm.intel_svm_drain_prq.prq_retry|mmu_notifier.idle');
    expect(sends(s.send({ type: 'ret.dmar_readq_pq', pending: true }, 'iommu'))).toEqual(['iommu:wait_for_completion']);
    expect(sends(s.send({ type: 'ret.wait_for_completion' }, 'iommu'))).toEqual(['iommu:dmar_readq_pq']);
    // Nothing of the PASID left: the page-drain, then the flush as before, then the svm goes.
    expect(sent(s.send({ type: 'ret.dmar_readq_pq', pending: false }, 'iommu'), 'qi_submit_sync')).toMatchObject({ desc: 'drain', pasid: 0, dev: 'dma#1', tag: 'unbind' });
    expect(s.context.objs['sdev#2'].alive).toBe(true);
    expect(sent(qiRet(s), 'qi_submit_sync')).toMatchObject({ desc: 'eiotlb', gran: 'nong-pasid' });
    // kfree_rcu, the entry already cleared (no second clear): idr_remove, mmu_notifier_unregister.
    expect(sends(qiRet(s))).toEqual(['mm#1:mmu_notifier_unregister']);
    expect(s.context.objs['sdev#2'].alive).toBe(false);
  });
  it('v5.7 has none of it: the unbind flushes and frees the sdev without looking at the PRQ', () => {
    const s = svm('v5.7-902baf61adf6');
    bind(s);
    completeBind(s);
    s.send({ type: 'ret.mmput' }, 'mm#1');
    expect(sent(s.send({ type: 'intel_svm_unbind_mm', ctx: 'process#1', dev: 'dma#1', pasid: 0 }, 'file#1'), 'qi_submit_sync')).toMatchObject({ desc: 'pasid-cache' });
    qiRet(s);
    expect(sends(qiRet(s))).toEqual(['iommu:pasid_table_clear']);
  });
});
