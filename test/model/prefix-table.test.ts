// kernel-notes §3.1: pre-fix (v4.4.1), exit with the device file mmap()ed — the recursive reference.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimResult } from '../../src/simulate.ts';
import { counts, countsAfter, frees, is, outOfOrder, run, stepOf, type Call } from './helpers.ts';

let r: SimResult;
beforeAll(async () => {
  r = await run('exit-with-mmap', 'pre-fix');
});

// [row, what, where, mm_users, mm_count, f_count]
const ROWS: [string, string, (t: SimResult['trace']) => number, number, number, number | undefined][] = [
  ['0', 'P running', (t) => stepOf(t, 'boot', is('xstate.init', 'mm#1')), 1, 1, undefined],
  ['1', 'open(dev)', (t) => stepOf(t, 'open', is('open', 'file#1')), 1, 1, 1],
  ['2', 'mmap(F) → mmap_region get_file', (t) => stepOf(t, 'get_file', is('get_file', 'file#1')), 1, 1, 2],
  ['3a', 'bind: get_task_mm', (t) => stepOf(t, 'mmget', is('mmget', 'mm#1')), 2, 1, 2],
  ['3b', 'bind: mmu_notifier_register', (t) => stepOf(t, 'register', is('mmu_notifier_register', 'mm#1')), 2, 2, 2],
  ['3c', 'bind: mm = NULL; no mmput', (t) => stepOf(t, 'bind returns', is('ret.intel_svm_bind_mm', 'file#1')), 2, 2, 2],
  ['5', 'exit_mm: atomic_inc(mm_count)', (t) => stepOf(t, 'exit_mm', is('exit_mm', 'mm#1')), 2, 3, 2],
  ['6', 'exit_mm → mmput', (t) => stepOf(t, 'mmput', is('mmput', 'mm#1', 'process#1')), 1, 3, 2],
  ['7', 'exit_files → filp_close → fput', (t) => stepOf(t, 'filp_close', is('filp_close', 'file#1')), 1, 3, 1],
  ['8', 'exit_task_work (nothing queued)', (t) => stepOf(t, 'dead', (e) => e.to === 'process#1' && e.state === 'dead'), 1, 3, 1],
  ['9', 'finish_task_switch → mmdrop', (t) => stepOf(t, 'mmdrop', (e) => e.event === 'mmdrop' && e.args.why === 'finish_task_switch'), 1, 2, 1],
  ['∞', 'quiescence', (t) => t.length - 1, 1, 2, 1],
];

/** A qi_submit_sync of the flush: `pasid-cache`, or `eiotlb` of the granularity a full flush
 * (intel_flush_svm_range_dev with pages -1) writes: QI_GRAN_NONG_PASID (machines/qi.ts). */
const qi = (tag: string, desc: 'pasid-cache' | 'eiotlb') => (e: SimResult['trace'][number]) =>
  e.event === 'qi_submit_sync' && e.args.tag === tag && e.args.desc === desc && (desc !== 'eiotlb' || e.args.gran === 'nong-pasid');

// The kernel calls of §3.1's rows, in the notes' order (3 from §1.2 pre-fix).
const ORDER: Record<string, readonly Call[]> = {
  '1–2': [
    ['open(dev)', is('open', 'file#1')],
    ['mmap_region', is('mmap_region', 'mm#1')],
    ['get_file', is('get_file', 'file#1')],
  ],
  '3a–3c': [
    ['get_task_mm', is('mmget', 'mm#1', 'svm')],
    ['mmu_notifier_register', is('mmu_notifier_register', 'mm#1')],
    ['pasid_table[pasid] = pgd | 1', is('pasid_table_set', 'iommu')],
    ['mm = NULL; out: no mmput', is('ret.intel_svm_bind_mm', 'file#1')],
  ],
  '5–9': [
    ['exit_mm: atomic_inc(mm_count)', is('exit_mm', 'mm#1')],
    ['exit_mm → mmput', is('mmput', 'mm#1', 'process#1')],
    ['exit_files → filp_close → fput', is('filp_close', 'file#1')],
    ['finish_task_switch → mmdrop', (e) => e.event === 'mmdrop' && e.args.why === 'finish_task_switch'],
  ],
};

// §3.1's variant that did not leak: no mmap of the bound file, so exit_files' fput is final and
// the unbind runs from exit_task_work; pre-fix's unbind order (§1.3), exit_mmap inside it.
const GRAPHICS: readonly Call[] = [
  ['exit_mm → mmput', is('mmput', 'mm#1', 'process#1')],
  ['exit_files → filp_close → fput', is('filp_close', 'file#1')],
  ['task_work_add(____fput)', is('task_work_add', 'process#1')],
  ['exit_task_work → __fput', is('__fput', 'file#1')],
  ['intel_svm_unbind_mm', is('intel_svm_unbind_mm', 'svm')],
  ['intel_flush_pasid_dev', qi('unbind', 'pasid-cache')],
  ['intel_flush_svm_range_dev', qi('unbind', 'eiotlb')],
  ['kfree_rcu(sdev)', frees('sdev#2')],
  ['mmu_notifier_unregister', is('mmu_notifier_unregister', 'mm#1')],
  ['srcu_read_lock', (e) => e.event === 'srcu_read_lock' && e.args.tag === 'unregister'],
  ['intel_mm_release clears the entry', is('pasid_table_clear', 'iommu')],
  ['srcu_read_unlock', (e) => e.event === 'srcu_read_unlock' && e.args.tag === 'unregister'],
  ['synchronize_srcu', (e) => e.event === 'synchronize_srcu' && e.args.tag === 'unregister'],
  ['mmdrop', (e) => e.event === 'ret.synchronize_srcu' && e.args.tag === 'unregister' && counts(e, 'mm_count')],
  ['idr_remove', frees('pasid#1')],
  ['mmput(svm->mm) 1→0', is('mmput', 'mm#1', 'svm')],
  ['exit_mmap inside unbind', is('mmu_notifier_release', 'mm#1')],
  ['free_pgtables', is('free_pgtables', 'mm#1')],
  ['exit_mmap\'s mmdrop', (e) => e.event === 'ret.remove_vma' && counts(e, 'mm_count')],
  ['kfree(svm)', frees('svm#1')],
  ['finish_task_switch → mmdrop → __mmdrop', frees('mm#1')],
];

describe('pre-fix graphics (no mmap of the bound file), kernel-notes §3.1\'s variant that did not leak', () => {
  it('the unbind runs at exit_task_work, in pre-fix\'s order, with exit_mmap inside it', async () => {
    const g = await run('graphics', 'pre-fix');
    expect(outOfOrder(g.trace, GRAPHICS)).toBeNull();
    expect(g.violations).toEqual([]);
  });
});

describe('pre-fix exit-with-mmap, kernel-notes §3.1 row by row', () => {
  it.each(Object.entries(ORDER))('row %s: the kernel calls run in the notes\' order', (_row, calls) => {
    expect(outOfOrder(r.trace, calls)).toBeNull();
  });

  it('row 3c: the bind does not mmput (the svm keeps get_task_mm\'s reference)', () => {
    expect(r.trace.some((e) => e.event === 'mmput' && e.from === 'svm')).toBe(false);
  });

  it.each(ROWS)('row %s (%s): counts', (_row, _what, where, mm_users, mm_count, f_count) => {
    expect(countsAfter(r.trace, where(r.trace))).toEqual({ mm_users, mm_count, f_count });
  });

  it('row 6: mmput does not reach zero, so no exit_mmap', () => {
    expect(r.trace.some((e) => e.to === 'mm#1' && e.state.includes('exit_mmap'))).toBe(false);
  });

  it('row 7: the fput is not final, so no __fput, no release, no unbind', () => {
    expect(r.trace.some((e) => e.event === '__fput' || e.event === 'intel_svm_unbind_mm')).toBe(false);
  });

  it('intel_mm_release is never called', () => {
    expect(r.trace.some((e) => e.event === 'intel_mm_release')).toBe(false);
  });

  it('at quiescence the VMA, svm, PASID and the PASID entry are alive', () => {
    const alive = (id: string) => r.objects.get(id)?.alive;
    expect(['vma#1', 'svm#1', 'pasid#1', 'pasid-entry#1', 'mm#1', 'pgd#1', 'file#1'].map(alive)).toEqual(Array(7).fill(true));
  });

  it('the leak oracle names the cycle: svm → mm_users → VMA → f_count → file → svm', () => {
    expect(r.violations.map((v) => v.oracle)).toEqual(['leak']);
    const m = r.violations[0]!.message;
    expect(m).toMatch(/reference cycle: .*mm#1 maps vma#1.*vma#1 holds f_count of file#1.*file#1 is bound to .*svm#1.*svm#1 holds mm_users of mm#1/);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('every random schedule (seed %i) ends in the same leak', async (seed) => {
    const x = await run('exit-with-mmap', 'pre-fix', seed);
    expect(x.violations.map((v) => v.oracle)).toEqual(['leak']);
    expect(countsAfter(x.trace, x.trace.length - 1)).toEqual({ mm_users: 1, mm_count: 2, f_count: 1 });
  });
});
