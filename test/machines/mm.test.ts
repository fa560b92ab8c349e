import { describe, expect, it } from 'vitest';
import { mmMachine } from '../../machines/mm.ts';
import { bugs, drive, sends, sent } from './harness.ts';

const mm = () => drive(mmMachine, { id: 'mm#1', owner: 'process#1', svm: 'svm', srcu: 'srcu' });
const counts = (m: ReturnType<typeof mm>) => ({ users: m.context.objs['mm#1'].mm_users, count: m.context.objs['mm#1'].mm_count });

describe('mm machine', () => {
  it('starts live with mm_users 1, mm_count 1 and a PGD', () => {
    const m = mm();
    expect(counts(m)).toEqual({ users: 1, count: 1 });
    expect(m.context.objs['pgd#1'].alive).toBe(true);
    expect(m.state).toBe('lifecycle.live|op.idle|unregister.idle');
  });

  it('mmget / mmput count mm_users and return; the last mmput starts exit_mmap instead of returning', () => {
    const m = mm();
    expect(sends(m.send({ type: 'mmget' }, 'svm'))).toEqual(['svm:ret.mmget']);
    expect(sends(m.send({ type: 'mmput', ctx: 'svm' }, 'svm'))).toEqual(['svm:ret.mmput']);
    expect(sends(m.send({ type: 'mmput', ctx: 'process#1' }, 'process#1'))).toEqual(['mm#1:mmu_notifier_release']);
    expect(m.state).toBe('lifecycle.exit_mmap.mmu_notifier_release|op.idle|unregister.idle');
    expect(counts(m).users).toBe(0);
  });

  it('mmget_not_zero succeeds on a live mm and fails on a defunct one', () => {
    const m = mm();
    expect(sent(m.send({ type: 'mmget_not_zero' }, 'prq'), 'ret.mmget_not_zero')).toMatchObject({ ok: true });
    m.send({ type: 'mmput', ctx: 'prq' }, 'prq');
    m.send({ type: 'mmput', ctx: 'process#1' }, 'process#1');
    expect(sent(m.send({ type: 'mmget_not_zero' }, 'prq'), 'ret.mmget_not_zero')).toMatchObject({ ok: false });
    expect(counts(m).users).toBe(0);
  });

  it('exit_mmap: srcu_read_lock, release each notifier, srcu_read_unlock, unhash, synchronize_srcu, then unmap_vmas, free_pgtables, tlb_finish_mmu, remove_vma, mmdrop, return', () => {
    const m = mm();
    m.send({ type: 'mmu_notifier_register', ctx: 'process#1', svm: 'svm#1' }, 'svm');
    expect(counts(m).count).toBe(2);
    m.send({ type: 'handle_mm_fault', ctx: 'process#1', vma: 'vma#1', addr: 16, write: true, forMm: 'mm#1' }, 'process#1');
    m.send({ type: 'mmput', ctx: 'process#1' }, 'process#1');
    expect(sent(m.send({ type: 'mmu_notifier_release' }, 'mm#1'), 'srcu_read_lock')).toMatchObject({ ctx: 'process#1', tag: 'exit' });
    expect(sends(m.send({ type: 'ret.srcu_read_lock', tag: 'exit' }, 'srcu'))).toEqual(['svm:intel_mm_release']);
    expect(m.waiting).toBe(true);
    expect(sends(m.send({ type: 'ret.intel_mm_release', tag: 'exit' }, 'svm'))).toEqual(['srcu:srcu_read_unlock']);
    // ->release ran with the notifier still hashed; it is unhashed after srcu_read_unlock.
    expect(m.context.notifiers).toEqual([{ svm: 'svm#1', hashed: true }]);
    expect(sends(m.send({ type: 'ret.srcu_read_unlock', tag: 'exit' }, 'srcu'))).toEqual(['srcu:synchronize_srcu']);
    expect(m.context.notifiers).toEqual([{ svm: 'svm#1', hashed: false }]);
    expect(m.state).toBe('lifecycle.exit_mmap.synchronize_srcu|op.idle|unregister.idle');
    expect(sends(m.send({ type: 'ret.synchronize_srcu', tag: 'exit' }, 'srcu'))).toEqual(['mm#1:unmap_vmas']);
    m.send({ type: 'unmap_vmas' }, 'mm#1');
    const pt = m.context.objs['pt#1.1'];
    expect(pt.alive).toBe(true);
    m.send({ type: 'free_pgtables' }, 'mm#1');
    expect(m.context.objs['pt#1.1'].alive).toBe(false);
    expect(m.context.objs['page#1.2'].alive).toBe(true);
    m.send({ type: 'tlb_finish_mmu' }, 'mm#1');
    expect(m.context.objs['page#1.2'].alive).toBe(false);
    // no VMAs were linked: straight to the final mmdrop and the return of mmput
    expect(sends(m.send({ type: 'remove_vma' }, 'mm#1'))).toEqual(['process#1:ret.mmput']);
    expect(m.state).toBe('lifecycle.defunct|op.idle|unregister.idle');
    expect(counts(m)).toEqual({ users: 0, count: 1 });
    expect(m.context.objs['pgd#1'].alive).toBe(true);
  });

  it('the last mmdrop runs __mmdrop: PGD and mm freed', () => {
    const m = mm();
    m.send({ type: 'exit_mm' }, 'process#1');
    m.send({ type: 'mmput', ctx: 'process#1' }, 'process#1');
    for (const p of ['mmu_notifier_release', 'unmap_vmas', 'free_pgtables', 'tlb_finish_mmu', 'remove_vma']) m.send({ type: p }, 'mm#1');
    expect(m.state).toBe('lifecycle.defunct|op.idle|unregister.idle');
    m.send({ type: 'mmdrop', why: 'finish_task_switch' }, 'process#1');
    expect(m.state).toBe('lifecycle.freed|op.idle|unregister.idle');
    expect([m.context.objs['mm#1'].alive, m.context.objs['pgd#1'].alive]).toEqual([false, false]);
  });

  it('BUGs: register with mm_users 0, mmdrop below zero, __mmdrop with a notifier listed', () => {
    const m = mm();
    m.send({ type: 'mmu_notifier_register', ctx: 'x', svm: 'svm#1' }, 'svm');
    m.send({ type: 'mmput', ctx: 'process#1' }, 'process#1');
    expect(bugs(m.send({ type: 'mmu_notifier_register', ctx: 'x', svm: 'svm#2' }, 'svm'))).toEqual([
      'BUG: mmu_notifier_register on mm#1 with mm_users 0',
    ]);
    const m2 = mm();
    m2.send({ type: 'mmu_notifier_register', ctx: 'x', svm: 'svm#1' }, 'svm');
    m2.send({ type: 'mmput', ctx: 'process#1' }, 'process#1');
    m2.send({ type: 'mmdrop' }, 'x');
    expect(bugs(m2.send({ type: 'mmdrop' }, 'x'))).toEqual(['BUG: __mmdrop of mm#1 with notifiers still listed']);
    expect(bugs(m2.send({ type: 'mmdrop' }, 'x'))).toEqual(['BUG: mm_count underflow on mm#1 in mmdrop']);
  });

  it('mmap_sem: a writer (register) waits for a reader; readers queue behind a writer', () => {
    const m = mm();
    expect(sends(m.send({ type: 'down_read' }, 'prq'))).toEqual(['prq:ret.down_read']);
    expect(sends(m.send({ type: 'mmu_notifier_register', ctx: 'p', svm: 'svm#1' }, 'svm'))).toEqual([]);
    expect(m.state).toBe('lifecycle.live|op.mmu_notifier_register|unregister.idle');
    expect(sends(m.send({ type: 'up_read' }, 'prq'))).toEqual(['prq:ret.up_read', 'svm:ret.mmu_notifier_register']);
    // munmap holds mmap_sem for write while it waits on the svm's invalidate_range
    m.send({ type: 'handle_mm_fault', ctx: 'p', vma: 'vma#1', addr: 16, write: true, forMm: 'mm#1' }, 'p');
    m.send({ type: 'mmap_region', ctx: 'p', vma: 'vma#1', file: null, start: 16, end: 20 }, 'p');
    m.send({ type: 'ret.vma_init' }, 'vma#1');
    // mm_has_notifiers(mm): the register above installed mmu_notifier_mm, so the walk is under srcu
    expect(sends(m.send({ type: 'do_munmap', ctx: 'p', vma: 'vma#1' }, 'p'))).toEqual(['srcu:srcu_read_lock']);
    expect(sends(m.send({ type: 'ret.srcu_read_lock', tag: 'munmap' }, 'srcu'))).toEqual(['svm:intel_invalidate_range']);
    expect(sends(m.send({ type: 'down_read' }, 'prq'))).toEqual([]);
    expect(sends(m.send({ type: 'ret.intel_invalidate_range' }, 'svm'))).toEqual(['srcu:srcu_read_unlock']);
    // the pages are freed only after the secondary TLBs' flush and srcu_read_unlock
    expect(m.context.objs['page#1.2'].alive).toBe(true);
    expect(sends(m.send({ type: 'ret.srcu_read_unlock', tag: 'munmap' }, 'srcu'))).toEqual(['vma#1:remove_vma']);
    expect(m.context.objs['page#1.2'].alive).toBe(false);
    expect(sends(m.send({ type: 'ret.remove_vma' }, 'vma#1'))).toEqual(['prq:ret.down_read', 'p:ret.do_munmap']);
  });

  it('mmu_notifier_unregister takes no mmap_sem: it runs while do_munmap holds it for write', () => {
    const m = mm();
    m.send({ type: 'mmu_notifier_register', ctx: 'p', svm: 'svm#1' }, 'svm');
    m.send({ type: 'mmap_region', ctx: 'p', vma: 'vma#1', file: null, start: 16, end: 20 }, 'p');
    m.send({ type: 'ret.vma_init' }, 'vma#1');
    m.send({ type: 'do_munmap', ctx: 'p', vma: 'vma#1' }, 'p');
    expect(m.context.writer).toBe(true);
    // the notifier is hashed: srcu_read_lock, ->release, srcu_read_unlock, unhash, synchronize_srcu, mmdrop
    expect(sent(m.send({ type: 'mmu_notifier_unregister', ctx: 'q', svm: 'svm#1' }, 'svm'), 'srcu_read_lock')).toMatchObject({ ctx: 'q', tag: 'unregister' });
    expect(sent(m.send({ type: 'ret.srcu_read_lock', tag: 'unregister' }, 'srcu'), 'intel_mm_release')).toMatchObject({ ctx: 'q', svm: 'svm#1', tag: 'unregister' });
    expect(sends(m.send({ type: 'ret.intel_mm_release', tag: 'unregister' }, 'svm'))).toEqual(['srcu:srcu_read_unlock']);
    expect(sends(m.send({ type: 'ret.srcu_read_unlock', tag: 'unregister' }, 'srcu'))).toEqual(['srcu:synchronize_srcu']);
    expect(m.context.notifiers).toEqual([{ svm: 'svm#1', hashed: false }]);
    expect(sends(m.send({ type: 'ret.synchronize_srcu', tag: 'unregister' }, 'srcu'))).toEqual(['svm:ret.mmu_notifier_unregister']);
    expect(counts(m).count).toBe(1);
    expect(m.state).toBe('lifecycle.live|op.do_munmap.srcu_read_lock|unregister.idle');
    // still listed as mm->mmu_notifier_mm: mm_has_notifiers() holds until __mmdrop
    expect(m.context.mmu_notifier_mm).toBe(true);
  });

  it('an unhashed notifier (exit_mmap released it): unregister only synchronize_srcu()s and mmdrop()s', () => {
    const m = mm();
    m.send({ type: 'mmu_notifier_register', ctx: 'p', svm: 'svm#1' }, 'svm');
    m.send({ type: 'mmput', ctx: 'p' }, 'p');
    m.send({ type: 'mmu_notifier_release' }, 'mm#1');
    m.send({ type: 'ret.srcu_read_lock', tag: 'exit' }, 'srcu');
    m.send({ type: 'ret.intel_mm_release', tag: 'exit' }, 'svm');
    m.send({ type: 'ret.srcu_read_unlock', tag: 'exit' }, 'srcu');
    expect(sent(m.send({ type: 'mmu_notifier_unregister', ctx: 'q', svm: 'svm#1' }, 'svm'), 'synchronize_srcu')).toMatchObject({ ctx: 'q', tag: 'unregister' });
    // each synchronize_srcu gets its own return: exit_mmap's does not end the unregister's
    expect(sends(m.send({ type: 'ret.synchronize_srcu', tag: 'exit' }, 'srcu'))).toEqual(['mm#1:unmap_vmas']);
    expect(m.state).toBe('lifecycle.exit_mmap.unmap_vmas|op.idle|unregister.synchronize_srcu');
    expect(sends(m.send({ type: 'ret.synchronize_srcu', tag: 'unregister' }, 'srcu'))).toEqual(['svm:ret.mmu_notifier_unregister']);
    expect(counts(m).count).toBe(1);
  });

  it('mm_has_notifiers() false (nothing ever registered): exit_mmap and do_munmap skip the srcu', () => {
    const m = mm();
    m.send({ type: 'mmap_region', ctx: 'p', vma: 'vma#1', file: null, start: 16, end: 20 }, 'p');
    m.send({ type: 'ret.vma_init' }, 'vma#1');
    expect(sends(m.send({ type: 'do_munmap', ctx: 'p', vma: 'vma#1' }, 'p'))).toEqual(['vma#1:remove_vma']);
    m.send({ type: 'ret.remove_vma' }, 'vma#1');
    m.send({ type: 'mmput', ctx: 'p' }, 'p');
    expect(sends(m.send({ type: 'mmu_notifier_release' }, 'mm#1'))).toEqual(['mm#1:unmap_vmas']);
  });

  it('handle_mm_fault allocates a page table and a page once, and uses the VMA it was given', () => {
    const m = mm();
    const a = m.send({ type: 'handle_mm_fault', ctx: 'prq', vma: 'vma#9', addr: 5, write: true, forMm: 'mm#1' }, 'prq');
    expect(a).toContainEqual({ type: 'access', obj: 'vma#9', how: 'handle_mm_fault' });
    expect(Object.keys(m.context.objs).sort()).toEqual(['mm#1', 'page#1.2', 'pgd#1', 'pt#1.1']);
    m.send({ type: 'handle_mm_fault', ctx: 'prq', vma: 'vma#9', addr: 5, write: true, forMm: 'mm#1' }, 'prq');
    expect(Object.keys(m.context.objs)).toHaveLength(4);
  });

  it('iommu_walk: a miss without page tables; a hit accesses PGD, PT and the page; a stale PT from the walk cache is touched', () => {
    const m = mm();
    expect(sent(m.send({ type: 'iommu_walk', pgd: 'pgd#1', pt: null, addr: 5, write: true, forMm: 'mm#1' }, 'iommu'), 'ret.iommu_walk')).toMatchObject({ page: null });
    m.send({ type: 'handle_mm_fault', vma: 'vma#1', addr: 5, write: true }, 'p');
    const hit = m.send({ type: 'iommu_walk', pgd: 'pgd#1', pt: null, addr: 5, write: true, forMm: 'mm#1' }, 'iommu');
    expect(hit.filter((e) => e.type === 'access')).toEqual([
      { type: 'access', obj: 'pgd#1', how: 'iommu-walk' },
      { type: 'access', obj: 'pt#1.1', how: 'iommu-walk' },
      { type: 'access', obj: 'page#1.2', how: 'dma-write', mm: 'mm#1' },
    ]);
    const stale = m.send({ type: 'iommu_walk', pgd: 'pgd#1', pt: 'pt#1.0', addr: 5, write: false, forMm: 'mm#1' }, 'iommu');
    expect(stale).toContainEqual({ type: 'access', obj: 'pt#1.0', how: 'iommu-walk' });
  });
});
