// kernel-notes §3.2: post-fix, the normal exit sequence.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimResult } from '../../src/simulate.ts';
import { aliveOf, allocs, counts, countsAfter, frees, is, outOfOrder, run, stepOf, type Call } from './helpers.ts';

let r: SimResult;
let s: Record<string, number>;
beforeAll(async () => {
  r = await run('exit-with-mmap', 'fixed');
  const t = r.trace;
  const exitMmap = stepOf(t, 'exit_mm', is('exit_mm', 'mm#1'));
  s = {
    '3a': stepOf(t, 'mmget', is('mmget', 'mm#1')),
    '3b': stepOf(t, 'register', is('mmu_notifier_register', 'mm#1')),
    '3c': stepOf(t, 'bind mmput', is('mmput', 'mm#1', 'svm')),
    '4+': stepOf(t, 'prq pin', (e) => e.event === 'mmget_not_zero' && e.effects.some((x) => x.op === 'count')),
    '4-': stepOf(t, 'prq mmput', is('mmput', 'mm#1', 'prq')),
    '5': exitMmap,
    '6': stepOf(t, 'mmput', is('mmput', 'mm#1', 'process#1')),
    '6.1': stepOf(t, 'release', is('intel_mm_release', 'svm'), exitMmap),
    '6.1-clear': stepOf(t, 'entry cleared', is('pasid_table_clear', 'iommu')),
    '6.1-pasid-cache': stepOf(t, 'pasid-cache flush', (e) => e.event === 'qi_submit_sync' && e.args.tag === 'notifier' && e.args.desc === 'pasid-cache'),
    '6.1-iotlb': stepOf(t, 'iotlb flush', (e) => e.event === 'qi_submit_sync' && e.args.tag === 'notifier' && e.args.desc === 'eiotlb' && e.args.gran === 'nong-pasid'),
    '6.3-unmap': stepOf(t, 'unmap_vmas', is('unmap_vmas', 'mm#1')),
    '6.3': stepOf(t, 'free_pgtables', is('free_pgtables', 'mm#1')),
    '6.3-tlb': stepOf(t, 'tlb_finish_mmu', is('tlb_finish_mmu', 'mm#1')),
    '6.4': stepOf(t, 'remove_vma fput', is('fput', 'file#1', 'vma#1')),
    '6.5': stepOf(t, 'mmput returns', is('ret.mmput', 'process#1')),
    '7': stepOf(t, 'filp_close', is('filp_close', 'file#1')),
    // mmu_notifier_unregister's mmdrop, once its synchronize_srcu returns.
    '8': stepOf(t, 'unregister: mmdrop', (e) => e.to === 'mm#1' && e.event === 'ret.synchronize_srcu' && e.args.tag === 'unregister'),
    '9': stepOf(t, 'finish_task_switch', (e) => e.event === 'mmdrop' && e.args.why === 'finish_task_switch'),
  };
});

const ROWS: [string, string, number, number, number][] = [
  ['3a', 'bind: get_task_mm', 2, 1, 2],
  ['3b', 'mmu_notifier_register', 2, 2, 2],
  ['3c', 'bind ends: mmput', 1, 2, 2],
  ['4+', 'fault in flight: atomic_inc_not_zero', 2, 2, 2],
  ['4-', 'fault done: mmput', 1, 2, 2],
  ['5', 'exit_mm: mm_count +1 (active_mm)', 1, 3, 2],
  ['6', 'exit_mm → mmput: 1→0 ⇒ exit_mmap', 0, 3, 2],
  ['6.4', 'remove_vma → fput(F)', 0, 3, 1],
  ['6.5', 'end of mmput: mmdrop', 0, 2, 1],
  ['7', 'exit_files → filp_close → fput 1→0', 0, 2, 0],
  ['8', 'unbind → mmu_notifier_unregister → mmdrop', 0, 1, 0],
  ['9', 'finish_task_switch → mmdrop → __mmdrop', 0, 0, 0],
];

/** A qi_submit_sync of the flush: `pasid-cache`, or `eiotlb` of the granularity a full flush
 * (intel_flush_svm_range_dev with pages -1) writes: QI_GRAN_NONG_PASID (machines/qi.ts). */
const qi = (tag: string, desc: 'pasid-cache' | 'eiotlb') => (e: SimResult['trace'][number]) =>
  e.event === 'qi_submit_sync' && e.args.tag === tag && e.args.desc === desc && (desc !== 'eiotlb' || e.args.gran === 'nong-pasid');

/** Row 8's unbind as e57e58bd390a writes it: kfree_rcu(sdev); idr_remove(); mmu_notifier_unregister(); kfree(svm). */
const FIXED_UNBIND: readonly Call[] = [
  ['intel_svm_unbind_mm', is('intel_svm_unbind_mm', 'svm')],
  ['intel_flush_pasid_dev', qi('unbind', 'pasid-cache')],
  ['intel_flush_svm_range_dev', qi('unbind', 'eiotlb')],
  ['kfree_rcu(sdev)', frees('sdev#2')],
  ['idr_remove', frees('pasid#1')],
  ['mmu_notifier_unregister', is('mmu_notifier_unregister', 'mm#1')],
  // The notifier is unhashed (exit_mmap released it): no ->release, only synchronize_srcu; then
  // mmdrop where it returns.
  ['synchronize_srcu', (e) => e.event === 'synchronize_srcu' && e.args.tag === 'unregister'],
  ['mmdrop', (e) => e.to === 'mm#1' && e.event === 'ret.synchronize_srcu' && e.args.tag === 'unregister' && counts(e, 'mm_count')],
  ['kfree(svm)', frees('svm#1')],
  ['ret.intel_svm_unbind_mm', is('ret.intel_svm_unbind_mm', 'file#1')],
];

// The kernel calls of each row, in the notes' order (§3.2; 6.1 from §1.4, 8 from §1.3 post-fix).
const ORDER: Record<string, readonly Call[]> = {
  '3a–3c': [
    ['get_task_mm', is('mmget', 'mm#1', 'svm')],
    ['mmu_notifier_register', is('mmu_notifier_register', 'mm#1')],
    ['pasid_table[pasid] = pgd | 1', is('pasid_table_set', 'iommu')],
    ['list_add_rcu(sdev)', allocs('sdev#2')],
    ['out: mmput', is('mmput', 'mm#1', 'svm')],
    ['ret.intel_svm_bind_mm', is('ret.intel_svm_bind_mm', 'file#1')],
  ],
  '4+': [
    ['atomic_inc_not_zero(mm_users)', is('mmget_not_zero', 'mm#1', 'prq')],
    ['down_read(mmap_sem)', is('down_read', 'mm#1', 'prq')],
    ['find_extend_vma', is('find_extend_vma', 'mm#1', 'prq')],
    ['handle_mm_fault', is('handle_mm_fault', 'mm#1', 'prq')],
    ['up_read(mmap_sem)', is('up_read', 'mm#1', 'prq')],
    ['mmput', is('mmput', 'mm#1', 'prq')],
    ['bad_req: rcu_read_lock; list_for_each_entry_rcu(sdev)', is('list_for_each_entry_rcu', 'svm', 'prq')],
    ['rcu_read_unlock', is('rcu_read_unlock', 'svm', 'prq')],
    ['sdev->ops->fault_cb', is('prq_fault_cb', 'svm', 'prq')],
    ['no_pasid: page group response', is('qi_page_response', 'iommu', 'prq')],
  ],
  '5–6.5': [
    ['exit_mm: atomic_inc(mm_count)', is('exit_mm', 'mm#1')],
    ['exit_mm → mmput', is('mmput', 'mm#1', 'process#1')],
    ['exit_mmap → mmu_notifier_release', is('mmu_notifier_release', 'mm#1')],
    ['srcu_read_lock', (e) => e.event === 'srcu_read_lock' && e.args.tag === 'exit'],
    ['intel_mm_release', is('intel_mm_release', 'svm')],
    ['pasid_table[pasid] = 0', is('pasid_table_clear', 'iommu')],
    ['intel_flush_pasid_dev', qi('notifier', 'pasid-cache')],
    ['intel_flush_svm_range_dev', qi('notifier', 'eiotlb')],
    ['srcu_read_unlock', (e) => e.event === 'srcu_read_unlock' && e.args.tag === 'exit'],
    ['hlist_del_init_rcu; synchronize_srcu', (e) => e.event === 'synchronize_srcu' && e.args.tag === 'exit'],
    ['unmap_vmas', is('unmap_vmas', 'mm#1')],
    ['free_pgtables', is('free_pgtables', 'mm#1')],
    ['tlb_finish_mmu', is('tlb_finish_mmu', 'mm#1')],
    ['remove_vma', is('remove_vma', 'vma#1')],
    ['fput(F)', is('fput', 'file#1', 'vma#1')],
    ['end of mmput: mmdrop', (e) => e.event === 'ret.remove_vma' && counts(e, 'mm_count')],
    ['mmput returns', is('ret.mmput', 'process#1')],
  ],
  '7': [
    ['exit_files → filp_close → fput', is('filp_close', 'file#1')],
    ['task_work_add(____fput)', is('task_work_add', 'process#1')],
  ],
  '8': [['exit_task_work → __fput', is('__fput', 'file#1')], ['release: stop the device', is('dma_stop', 'dma#1')], ...FIXED_UNBIND],
  '9': [
    ['finish_task_switch → mmdrop', (e) => e.event === 'mmdrop' && e.args.why === 'finish_task_switch'],
    ['__mmdrop: mm_free_pgd', frees('pgd#1')],
    ['free_mm', frees('mm#1')],
  ],
};

describe('fixed exit-with-mmap, kernel-notes §3.2 row by row', () => {
  it.each(ROWS)('row %s (%s): counts', (row, _what, mm_users, mm_count, f_count) => {
    expect(countsAfter(r.trace, s[row]!)).toEqual({ mm_users, mm_count, f_count });
  });

  // Each row's kernel calls in the order the notes write them (each call's first step in the run).
  it.each(Object.entries(ORDER))('row %s: the kernel calls run in the notes\' order', (_row, calls) => {
    expect(outOfOrder(r.trace, calls)).toBeNull();
  });

  // The check that would have caught the unbind order fixed had before issue 25 (unregister, then
  // idr_remove on its return): pre-fix's unbind runs in that order, and row 8's check names it.
  it('row 8\'s order check rejects an unbind that unregisters before idr_remove (pre-fix graphics)', async () => {
    const pre = await run('graphics', 'pre-fix');
    expect(outOfOrder(pre.trace, FIXED_UNBIND)).toMatch(/^mmu_notifier_unregister \(step \d+\) ran before idr_remove \(step \d+\)$/);
  });

  it('row 6.1: the PASID entry is freed by intel_mm_release\'s clear', () => {
    expect(r.trace[s['6.1-clear']!]!.effects).toContainEqual({ op: 'free', obj: 'pasid-entry#1', kind: 'pasid-entry' });
  });

  it('row 6.2: after release the notifier is unhashed, so unregister calls no second release', () => {
    expect(r.trace.filter((e) => e.event === 'intel_mm_release')).toHaveLength(1);
  });

  it('row 6.3: the page tables are freed, the PGD is not (until __mmdrop)', () => {
    expect(r.objects.get('pt#1.1')?.freedStep).toBe(s['6.3']);
    expect(r.objects.get('pgd#1')?.freedStep).toBe(s['9']);
  });

  it('row 8: the unbind runs from exit_task_work → __fput → release, after exit_mmap', () => {
    const unbind = stepOf(r.trace, 'unbind', is('intel_svm_unbind_mm', 'svm'));
    expect(unbind).toBeGreaterThan(s['6.5']!);
    expect(r.trace[stepOf(r.trace, '__fput', is('__fput', 'file#1'))]!.from).toBe('process#1');
  });

  it('at quiescence every mm, pgd, page, vma, file, svm and pasid is freed and no oracle fires', () => {
    for (const kind of ['mm', 'pgd', 'page', 'pt', 'vma', 'file', 'svm', 'sdev', 'pasid', 'pasid-entry']) {
      expect(aliveOf(r, kind).map((o) => o.id), kind).toEqual([]);
    }
    expect(r.objects.all().filter((o) => o.kind === 'page').length).toBeGreaterThan(0);
    expect(r.violations).toEqual([]);
  });
});
