// prq_event_thread holds no reference on the svm it found (intel-svm.c, 4.4: "It *can't* go away,
// because the driver is not permitted to unbind the mm while any page faults are outstanding"):
// each read of svm->mm, svm->devs and an sdev is an access KASAN checks where the kernel does it.
import { describe, expect, it } from 'vitest';
import { faultHandlerMachine } from '../../machines/fault-handler.ts';
import { svmMachine } from '../../machines/svm.ts';
import { variantByName } from '../../src/variants/variants.ts';
import type { Emitted } from '../../machines/objects.ts';
import { drive, sends, sent } from './harness.ts';

const REQ = { pasid: 0, addr: 16, write: true, dev: 'dma#1', forMm: 'mm#1' };
const prq = (kernel: string) => drive(faultHandlerMachine, { id: 'prq', iommu: 'iommu', svm: 'svm', hunks: variantByName(kernel).hunks });
/** pr_irq, then 4.4.y's walk (issue 26): clear PPR, read PQT/PQH (one descriptor queued), read it. */
const toIdr = (p: ReturnType<typeof prq>) => {
  p.send({ type: 'pr_irq' }, 'iommu');
  p.send({ type: 'ret.writel_prs_ppr' }, 'iommu');
  p.send({ type: 'ret.dmar_readq_pq', head: 0, tail: 1 }, 'iommu');
  return p.send({ type: 'ret.prq_next', req: REQ }, 'iommu');
};
const accesses = (es: Emitted[]) => es.filter((e) => e.type === 'access').map((e) => `${(e as { obj: string }).obj} ${(e as { how: string }).how}`);
const SVM_MM = 'svm#1 prq_event_thread: svm->mm';

describe('prq_event_thread dereferences the svm at each step that reads svm->mm', () => {
  it.each([
    ['fixed', ['atomic_inc_not_zero', 'down_read', 'find_extend_vma', 'handle_mm_fault', 'up_read', 'mmput']],
    ['fixed-no-fault-pin', ['down_read', 'find_extend_vma', 'handle_mm_fault', 'up_read']],
  ])('%s: %j each read svm->mm first', (kernel, _steps) => {
    const p = prq(kernel);
    toIdr(p);
    const seen: string[][] = [accesses(p.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm'))];
    if (kernel === 'fixed') seen.push(accesses(p.send({ type: 'ret.mmget_not_zero', ok: true }, 'mm#1')));
    seen.push(accesses(p.send({ type: 'ret.down_read' }, 'mm#1')));
    seen.push(accesses(p.send({ type: 'ret.find_extend_vma', vma: 'vma#1', start: 16 }, 'mm#1')));
    seen.push(accesses(p.send({ type: 'ret.handle_mm_fault', ok: true }, 'mm#1')));
    if (kernel === 'fixed') seen.push(accesses(p.send({ type: 'ret.up_read' }, 'mm#1')));
    expect(seen).toEqual(_steps.map(() => [SVM_MM]));
  });

  it('the supervisor check (!svm->mm) reads the svm too', () => {
    const p = prq('fixed');
    toIdr(p);
    expect(accesses(p.send({ type: 'ret.idr_find', svm: 'svm#1', mm: null }, 'svm'))).toEqual([SVM_MM]);
  });

  it('no svm found: nothing is dereferenced (no_pasid)', () => {
    const p = prq('fixed');
    toIdr(p);
    expect(accesses(p.send({ type: 'ret.idr_find', svm: null, mm: null }, 'svm'))).toEqual([]);
  });
});

describe('bad_req walks svm->devs: each sdev up to the match, then the match\'s fault_cb', () => {
  const bound = () => {
    const s = drive(svmMachine, { id: 'svm', iommu: 'iommu', hunks: variantByName('fixed').hunks });
    for (const dev of ['dma#1', 'dma#2']) {
      s.send({ type: 'intel_svm_bind_mm', ctx: 'process#1', dev, mm: 'mm#1', owner: 'process#1' }, 'file#1');
      s.send({ type: 'ret.mmget' }, 'mm#1');
      s.send({ type: 'ret.intel_iommu_enable_pasid', did: 1 }, 'iommu');
      if (dev === 'dma#1') {
        s.send({ type: 'ret.mmu_notifier_register' }, 'mm#1');
        s.send({ type: 'ret.pasid_table_set' }, 'iommu');
      }
      s.send({ type: 'ret.mmput' }, 'mm#1');
    }
    return s;
  };

  // list_add_rcu adds at the head: dma#2's sdev comes first, then dma#1's.
  it('the first-bound device: the walk reads both sdevs (the newest first) and returns the match', () => {
    const s = bound();
    const [b, a] = s.context.svms['svm#1'].devs.map((d: { sdev: string }) => d.sdev);
    const out = s.send({ type: 'list_for_each_entry_rcu', ctx: 'prq', svm: 'svm#1', dev: 'dma#1' }, 'prq');
    expect(accesses(out)).toEqual(['svm#1 prq_event_thread', `${b} prq_event_thread: sdev->sid`, `${a} prq_event_thread: sdev->sid`]);
    expect(sent(out, 'ret.list_for_each_entry_rcu')).toMatchObject({ sdev: a });
  });

  it('the newest device: the walk stops at the head; fault_cb reads the sdev it found', () => {
    const s = bound();
    const [b] = s.context.svms['svm#1'].devs.map((d: { sdev: string }) => d.sdev);
    expect(accesses(s.send({ type: 'list_for_each_entry_rcu', ctx: 'prq', svm: 'svm#1', dev: 'dma#2' }, 'prq'))).toEqual(['svm#1 prq_event_thread', `${b} prq_event_thread: sdev->sid`]);
    s.send({ type: 'rcu_read_unlock', ctx: 'prq' }, 'prq');
    expect(accesses(s.send({ type: 'prq_fault_cb', ctx: 'prq', sdev: b }, 'prq'))).toEqual([`${b} prq_event_thread: sdev->ops->fault_cb`]);
  });

  it('no sdev of the device: the walk reads every entry and comes back to the head (null)', () => {
    const s = bound();
    const out = s.send({ type: 'list_for_each_entry_rcu', ctx: 'prq', svm: 'svm#1', dev: 'dma#9' }, 'prq');
    expect(accesses(out)).toHaveLength(3);
    expect(sent(out, 'ret.list_for_each_entry_rcu')).toMatchObject({ sdev: null });
  });
});

describe('prq_event_thread: bad_req is rcu_read_lock, the walk, rcu_read_unlock, then fault_cb', () => {
  const toBadReq = () => {
    const p = prq('fixed');
    toIdr(p);
    p.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm');
    expect(sends(p.send({ type: 'ret.mmget_not_zero', ok: false }, 'mm#1'))).toEqual(['svm:list_for_each_entry_rcu']);
    return p;
  };
  it('the unlock goes out before fault_cb, on the same link (FIFO): fault_cb runs outside RCU', () => {
    const p = toBadReq();
    const out = p.send({ type: 'ret.list_for_each_entry_rcu', sdev: 'sdev#2' }, 'svm');
    expect(sends(out)).toEqual(['svm:rcu_read_unlock', 'svm:prq_fault_cb']);
    expect(sent(out, 'prq_fault_cb')).toMatchObject({ sdev: 'sdev#2' });
    expect(sent(p.send({ type: 'ret.prq_fault_cb' }, 'svm'), 'qi_page_response')).toMatchObject({ result: 'INVALID' });
  });
  it('WARN_ON(no sdev): no fault_cb, the response still goes', () => {
    const p = toBadReq();
    expect(sends(p.send({ type: 'ret.list_for_each_entry_rcu', sdev: null }, 'svm'))).toEqual(['svm:rcu_read_unlock', 'iommu:qi_page_response']);
  });
});
