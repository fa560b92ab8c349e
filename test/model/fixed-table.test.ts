// kernel-notes §3.2: post-fix, the normal exit sequence.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimResult } from '../../src/simulate.ts';
import { aliveOf, countsAfter, is, run, stepOf } from './helpers.ts';

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
    '6.1-iotlb': stepOf(t, 'iotlb flush', (e) => e.event === 'qi_submit_sync' && e.args.tag === 'notifier' && e.args.desc === 'iotlb-all'),
    '6.3-unmap': stepOf(t, 'unmap_vmas', is('unmap_vmas', 'mm#1')),
    '6.3': stepOf(t, 'free_pgtables', is('free_pgtables', 'mm#1')),
    '6.3-tlb': stepOf(t, 'tlb_finish_mmu', is('tlb_finish_mmu', 'mm#1')),
    '6.4': stepOf(t, 'remove_vma fput', is('fput', 'file#1', 'vma#1')),
    '6.5': stepOf(t, 'mmput returns', is('ret.mmput', 'process#1')),
    '7': stepOf(t, 'filp_close', is('filp_close', 'file#1')),
    '8': stepOf(t, 'unregister', is('mmu_notifier_unregister', 'mm#1')),
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

describe('fixed exit-with-mmap, kernel-notes §3.2 row by row', () => {
  it.each(ROWS)('row %s (%s): counts', (row, _what, mm_users, mm_count, f_count) => {
    expect(countsAfter(r.trace, s[row]!)).toEqual({ mm_users, mm_count, f_count });
  });

  it('row 6.1: intel_mm_release clears the PASID entry, then flushes PASID cache and IOTLB, before free_pgtables', () => {
    const order = ['6', '6.1', '6.1-clear', '6.1-pasid-cache', '6.1-iotlb', '6.3-unmap', '6.3', '6.3-tlb', '6.4'].map((k) => s[k]!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
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
