import { describe, expect, it } from 'vitest';
import { dmaMachine, MAX_TRIES } from '../../machines/dma.ts';
import { faultHandlerMachine } from '../../machines/fault-handler.ts';
import { iommuMachine } from '../../machines/iommu.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { bugs, drive, sends, sent } from './harness.ts';

const REQ = { pasid: 0, addr: 16, write: true, dev: 'dma#1', forMm: 'mm#1' };
const prq = (kernel: string) => drive(faultHandlerMachine, { id: 'prq', iommu: 'iommu', svm: 'svm', hunks: variantByName(kernel).hunks });
const toIdr = (p: ReturnType<typeof prq>) => {
  p.send({ type: 'pr_irq' }, 'iommu');
  return p.send({ type: 'ret.prq_next', req: REQ }, 'iommu');
};

describe('faultHandler machine (prq_event_thread)', () => {
  it('fixed: pins mm_users first; a defunct mm goes to bad_req and answers INVALID', () => {
    const p = prq('fixed');
    expect(sends(toIdr(p))).toEqual(['svm:idr_find']);
    expect(sends(p.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm'))).toEqual(['mm#1:mmget_not_zero']);
    expect(sends(p.send({ type: 'ret.mmget_not_zero', ok: false }, 'mm#1'))).toEqual(['svm:list_for_each_entry_rcu']);
    // bad_req: the walk found the sdev; rcu_read_unlock, then its fault_cb, then the response.
    expect(sends(p.send({ type: 'ret.list_for_each_entry_rcu', sdev: 'sdev#2' }, 'svm'))).toEqual(['svm:rcu_read_unlock', 'svm:prq_fault_cb']);
    expect(sent(p.send({ type: 'ret.prq_fault_cb' }, 'svm'), 'qi_page_response')).toMatchObject({ result: 'INVALID' });
  });

  it('fixed: a served fault: down_read, find_extend_vma, handle_mm_fault, up_read, mmput, SUCCESS', () => {
    const p = prq('fixed');
    toIdr(p);
    p.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm');
    expect(sends(p.send({ type: 'ret.mmget_not_zero', ok: true }, 'mm#1'))).toEqual(['mm#1:down_read']);
    expect(sends(p.send({ type: 'ret.down_read' }, 'mm#1'))).toEqual(['mm#1:find_extend_vma']);
    expect(sends(p.send({ type: 'ret.find_extend_vma', vma: 'vma#1', start: 16 }, 'mm#1'))).toEqual(['mm#1:handle_mm_fault']);
    expect(sends(p.send({ type: 'ret.handle_mm_fault', ok: true }, 'mm#1'))).toEqual(['mm#1:up_read']);
    // up_read returns before mmput: the thread's program order, not two racing messages
    expect(sends(p.send({ type: 'ret.up_read' }, 'mm#1'))).toEqual(['mm#1:mmput']);
    expect(sends(p.send({ type: 'ret.mmput' }, 'mm#1'))).toEqual(['svm:list_for_each_entry_rcu']);
    p.send({ type: 'ret.list_for_each_entry_rcu', sdev: 'sdev#2' }, 'svm');
    expect(sent(p.send({ type: 'ret.prq_fault_cb' }, 'svm'), 'qi_page_response')).toMatchObject({ result: 'SUCCESS' });
    expect(sends(p.send({ type: 'ret.qi_page_response' }, 'iommu'))).toEqual(['iommu:prq_next']);
    p.send({ type: 'ret.prq_next', req: null }, 'iommu');
    expect(p.state).toBe('idle');
  });

  it('without the pin (pre-fix and the ablation): straight to down_read, no mmput', () => {
    const p = prq('fixed-no-fault-pin');
    toIdr(p);
    expect(sends(p.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm'))).toEqual(['mm#1:down_read']);
    p.send({ type: 'ret.down_read' }, 'mm#1');
    p.send({ type: 'ret.find_extend_vma', vma: 'vma#1', start: 16 }, 'mm#1');
    expect(sends(p.send({ type: 'ret.handle_mm_fault', ok: true }, 'mm#1'))).toEqual(['mm#1:up_read']);
    expect(sends(p.send({ type: 'ret.up_read' }, 'mm#1'))).toEqual(['svm:list_for_each_entry_rcu']);
  });

  it('no svm for the PASID: no_pasid with QI_RESP_FAILURE (v4.4); no VMA: INVALID', () => {
    const p = prq('fixed');
    toIdr(p);
    expect(sent(p.send({ type: 'ret.idr_find', svm: null, mm: null }, 'svm'), 'qi_page_response')).toMatchObject({ result: 'FAILURE' });
    const q = prq('pre-fix');
    toIdr(q);
    q.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm');
    q.send({ type: 'ret.down_read' }, 'mm#1');
    expect(sends(q.send({ type: 'ret.find_extend_vma', vma: null, start: null }, 'mm#1'))).toEqual(['mm#1:up_read']);
    expect(sends(q.send({ type: 'ret.up_read' }, 'mm#1'))).toEqual(['svm:list_for_each_entry_rcu']);
    // WARN_ON(&sdev->list == &svm->devs): no sdev, no fault_cb; straight to the response.
    expect(sends(q.send({ type: 'ret.list_for_each_entry_rcu', sdev: null }, 'svm'))).toEqual(['svm:rcu_read_unlock', 'iommu:qi_page_response']);
  });
});

const iommu = () => drive(iommuMachine, { id: 'iommu', prqThread: 'prq' });
const MAP = { type: 'dma_map', pasid: 0, addr: 16, write: true, forMm: 'mm#1' };

describe('iommu machine', () => {
  it('no entry: PASID not present; an entry: a walk through the PGD; a hit then comes from the IOTLB', () => {
    const i = iommu();
    expect(sent(i.send(MAP, 'dma#1'), 'ret.dma_map')).toMatchObject({ ok: false, fault: 'pasid-not-present' });
    i.send({ type: 'pasid_table_set', pasid: 0, pgd: 'pgd#1', mm: 'mm#1', owner: 'process#1' }, 'svm');
    expect(sent(i.send(MAP, 'dma#1'), 'iommu_walk')).toMatchObject({ pgd: 'pgd#1', pt: null });
    expect(sent(i.send({ type: 'ret.iommu_walk', page: 'page#1.2', pt: 'pt#1.1' }, 'mm#1'), 'ret.dma_map')).toMatchObject({ ok: true });
    expect(i.send(MAP, 'dma#1')).toContainEqual({ type: 'access', obj: 'page#1.2', how: 'dma-write', mm: 'mm#1' });
  });

  it('clearing the entry does not flush: the PASID cache and IOTLB still translate until qi_submit_sync', () => {
    const i = iommu();
    i.send({ type: 'pasid_table_set', pasid: 0, pgd: 'pgd#1', mm: 'mm#1', owner: 'process#1' }, 'svm');
    i.send(MAP, 'dma#1');
    i.send({ type: 'ret.iommu_walk', page: 'page#1.2', pt: 'pt#1.1' }, 'mm#1');
    i.send({ type: 'pasid_table_clear', pasid: 0 }, 'svm');
    expect(i.context.objs['pasid-entry#1'].alive).toBe(false);
    expect(sent(i.send(MAP, 'dma#1'), 'ret.dma_map')).toMatchObject({ ok: true });
    expect(sent(i.send({ ...MAP, addr: 17 }, 'dma#1'), 'iommu_walk')).toMatchObject({ pt: 'pt#1.1' });
    i.send({ type: 'ret.iommu_walk', page: null, pt: null }, 'mm#1');
    i.send({ type: 'qi_submit_sync', desc: 'pasid-cache', pasid: 0, tag: 't' }, 'svm');
    i.send({ type: 'qi_submit_sync', desc: 'iotlb-all', pasid: 0, tag: 't' }, 'svm');
    expect(sent(i.send(MAP, 'dma#1'), 'ret.dma_map')).toMatchObject({ fault: 'pasid-not-present' });
  });

  it('an invalidation waits for the walk in flight, then drops what the walk cached', () => {
    const i = iommu();
    i.send({ type: 'pasid_table_set', pasid: 0, pgd: 'pgd#1', mm: 'mm#1', owner: 'process#1' }, 'svm');
    i.send(MAP, 'dma#1');
    expect(sends(i.send({ type: 'qi_submit_sync', desc: 'iotlb-range', pasid: 0, start: 16, end: 20, tag: 't' }, 'svm'))).toEqual([]);
    const done = i.send({ type: 'ret.iommu_walk', page: 'page#1.2', pt: 'pt#1.1' }, 'mm#1');
    expect(sends(done)).toEqual(['dma#1:ret.dma_map', 'svm:ret.qi_submit_sync']);
    expect(i.context.iotlb).toEqual({});
  });

  it('the PRQ raises pr_irq once until the thread finds it empty', () => {
    const i = iommu();
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 16 }, 'dma#1'))).toEqual(['prq:pr_irq']);
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 17 }, 'dma#1'))).toEqual([]);
    expect(sent(i.send({ type: 'prq_next' }, 'prq'), 'ret.prq_next')).toMatchObject({ req: { addr: 16, dev: 'dma#1' } });
    i.send({ type: 'prq_next' }, 'prq');
    expect(sent(i.send({ type: 'prq_next' }, 'prq'), 'ret.prq_next')).toMatchObject({ req: null });
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 18 }, 'dma#1'))).toEqual(['prq:pr_irq']);
  });
});

const dma = () => drive(dmaMachine, { id: 'dma#1', iommu: 'iommu' });
const submit = (d: ReturnType<typeof dma>, pasid: number, extra = {}) =>
  d.send({ type: 'dma_submit', pasid, addr: 16, write: true, count: 1, forMm: `mm#${pasid + 1}`, ...extra }, `file#${pasid + 1}`);

describe('dma machine', () => {
  it('a translation fault becomes a page request; SUCCESS retries; a waited submit returns when the job ends', () => {
    const d = dma();
    expect(sends(submit(d, 0, { wait: true }))).toEqual(['iommu:dma_map']);
    expect(sends(d.send({ type: 'ret.dma_map', ok: false, fault: 'page-not-present' }, 'iommu'))).toEqual(['iommu:page_request']);
    expect(sends(d.send({ type: 'page_response', result: 'SUCCESS' }, 'iommu'))).toEqual(['iommu:dma_map']);
    expect(sends(d.send({ type: 'ret.dma_map', ok: true }, 'iommu'))).toEqual(['file#1:ret.dma_submit']);
  });

  it(`gives up after ${MAX_TRIES} page requests; INVALID fails the job alone`, () => {
    const d = dma();
    submit(d, 0);
    for (let i = 0; i < MAX_TRIES; i++) {
      d.send({ type: 'ret.dma_map', ok: false }, 'iommu');
      d.send({ type: 'page_response', result: 'SUCCESS' }, 'iommu');
    }
    expect(sends(d.send({ type: 'ret.dma_map', ok: false }, 'iommu'))).toEqual([]);
    expect(d.state).toBe('idle');
    expect(d.context.pri).toBe(true);
  });

  it('Response Failure disables PRI for every PASID: another PASID\'s job then fails — an isolation bug', () => {
    const d = dma();
    submit(d, 0);
    submit(d, 1);
    d.send({ type: 'ret.dma_map', ok: false }, 'iommu');
    expect(sends(d.send({ type: 'page_response', result: 'FAILURE', pasid: 0 }, 'iommu'))).toEqual(['iommu:dma_map']);
    expect(bugs(d.send({ type: 'ret.dma_map', ok: false }, 'iommu'))[0]).toMatch(/PASID 1's DMA failed because PASID 0's page request got Response Failure/);
  });

  it('dma_stop cancels the PASID\'s queued jobs and answers only when its job in flight ends', () => {
    const d = dma();
    submit(d, 0, { count: 3 });
    d.send({ type: 'ret.dma_map', ok: false }, 'iommu');
    expect(sends(d.send({ type: 'dma_stop', pasid: 0 }, 'file#1'))).toEqual([]);
    expect(d.context.queue).toEqual([]);
    expect(sends(d.send({ type: 'page_response', result: 'INVALID' }, 'iommu'))).toEqual(['file#1:ret.dma_stop']);
    expect(sends(d.send({ type: 'dma_stop', pasid: 0 }, 'file#1'))).toEqual(['file#1:ret.dma_stop']);
  });

  it('several waiting submits: each is answered when its own jobs end; dma_stop answers the one whose jobs it cancels', () => {
    const d = dma();
    submit(d, 0, { wait: true });
    expect(sends(submit(d, 1, { wait: true }))).toEqual([]);
    expect(sends(submit(d, 2, { wait: true, count: 2 }))).toEqual([]);
    // file#1's job done: file#1 answered, file#2's job next.
    expect(sends(d.send({ type: 'ret.dma_map', ok: true }, 'iommu'))).toEqual(['file#1:ret.dma_submit', 'iommu:dma_map']);
    // file#3's two queued jobs cancelled: file#3 answered at once, file#2 still waits.
    expect(sends(d.send({ type: 'dma_stop', pasid: 2 }, 'file#3'))).toEqual(['file#3:ret.dma_submit', 'file#3:ret.dma_stop']);
    expect(sends(d.send({ type: 'ret.dma_map', ok: true }, 'iommu'))).toEqual(['file#2:ret.dma_submit']);
    expect(d.context.waiting).toEqual([]);
  });
});
