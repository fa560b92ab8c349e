import { describe, expect, it } from 'vitest';
import { dmaMachine, MAX_TRIES } from '../../machines/dma.ts';
import { faultHandlerMachine } from '../../machines/fault-handler.ts';
import { iommuMachine } from '../../machines/iommu.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { bugs, drive, sends, sent } from './harness.ts';

const REQ = { pasid: 0, addr: 16, write: true, dev: 'dma#1', forMm: 'mm#1' };
const prq = (kernel: string) => drive(faultHandlerMachine, { id: 'prq', iommu: 'iommu', svm: 'svm', hunks: variantByName(kernel).hunks });
/** pr_irq, then 4.4.y's walk: clear PPR, read PQT/PQH (one descriptor queued), read it. */
const toIdr = (p: ReturnType<typeof prq>, req: Record<string, unknown> = REQ) => {
  p.send({ type: 'pr_irq' }, 'iommu');
  p.send({ type: 'ret.writel_prs_ppr' }, 'iommu');
  p.send({ type: 'ret.dmar_readq_pq', head: 0, tail: 1 }, 'iommu');
  return p.send({ type: 'ret.prq_next', req }, 'iommu');
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
    // head == tail: PQH = tail, once, and the thread returns.
    expect(sent(p.send({ type: 'ret.qi_page_response' }, 'iommu'), 'dmar_writeq_pqh')).toMatchObject({ tail: 1 });
    p.send({ type: 'ret.dmar_writeq_pqh' }, 'iommu');
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
    // intel_flush_pasid_dev and intel_flush_svm_range_dev(.., 0, -1, 0, 0) for DID 1 (the default).
    i.send({ type: 'qi_submit_sync', desc: 'pasid-cache', did: 1, pasid: 0, tag: 't' }, 'svm');
    i.send({ type: 'qi_submit_sync', desc: 'eiotlb', did: 1, pasid: 0, gran: 'nong-pasid', tag: 't' }, 'svm');
    expect(sent(i.send(MAP, 'dma#1'), 'ret.dma_map')).toMatchObject({ fault: 'pasid-not-present' });
  });

  it('an invalidation waits for the walk in flight, then drops what the walk cached', () => {
    const i = iommu();
    i.send({ type: 'pasid_table_set', pasid: 0, pgd: 'pgd#1', mm: 'mm#1', owner: 'process#1' }, 'svm');
    i.send(MAP, 'dma#1');
    expect(sends(i.send({ type: 'qi_submit_sync', desc: 'eiotlb', did: 1, pasid: 0, gran: 'psi-pasid', addr: 16, am: 2, ih: 0, gl: 0, tag: 't' }, 'svm'))).toEqual([]);
    const done = i.send({ type: 'ret.iommu_walk', page: 'page#1.2', pt: 'pt#1.1' }, 'mm#1');
    expect(sends(done)).toEqual(['dma#1:ret.dma_map', 'svm:ret.qi_submit_sync']);
    expect(i.context.iotlb).toEqual({});
  });

  it('the PRQ raises pr_irq on PPR\'s 0 -> 1 edge; the thread clears PPR, reads PQT/PQH, writes PQH', () => {
    const i = iommu();
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 16 }, 'dma#1'))).toEqual(['prq:pr_irq']);
    // PPR still set: no second interrupt.
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 17 }, 'dma#1'))).toEqual([]);
    expect(sends(i.send({ type: 'writel_prs_ppr' }, 'prq'))).toEqual(['prq:ret.writel_prs_ppr']);
    expect(sent(i.send({ type: 'dmar_readq_pq' }, 'prq'), 'ret.dmar_readq_pq')).toEqual({ type: 'ret.dmar_readq_pq', head: 0, tail: 2 });
    expect(sent(i.send({ type: 'prq_next', head: 0 }, 'prq'), 'ret.prq_next')).toMatchObject({ req: { addr: 16, dev: 'dma#1' } });
    // A request after PPR was cleared raises pr_irq again, though the thread has not written PQH.
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 18 }, 'dma#1'))).toEqual(['prq:pr_irq']);
    expect(sent(i.send({ type: 'prq_next', head: 1 }, 'prq'), 'ret.prq_next')).toMatchObject({ req: { addr: 17 } });
    i.send({ type: 'dmar_writeq_pqh', tail: 2 }, 'prq');
    // PQH written: the ring in PQH's frame (machines/prq.ts prqRebase), the one left at slot 0.
    expect(i.context.prq).toMatchObject({ pqh: 0, pqt: 1, ppr: true, pro: false });
    expect(sent(i.send({ type: 'dmar_readq_pq' }, 'prq'), 'ret.dmar_readq_pq')).toMatchObject({ head: 0, tail: 1 });
    expect(sent(i.send({ type: 'prq_next', head: 0 }, 'prq'), 'ret.prq_next')).toMatchObject({ req: { addr: 18 } });
  });

  it('a full ring (PQT one behind PQH) drops the request, sets PRO, answers Success itself; 4.4 never clears PRO', () => {
    const i = drive(iommuMachine, { id: 'iommu', prqThread: 'prq', prqSize: 2 });
    i.send({ type: 'page_request', pasid: 0, addr: 16 }, 'dma#1');
    // Size 2: one request fills it. The next is dropped and answered by the hardware.
    const dropped = i.send({ type: 'page_request', pasid: 0, addr: 17, prg: 3 }, 'dma#2');
    expect(sends(dropped)).toEqual(['dma#2:page_response']);
    expect(sent(dropped, 'page_response')).toEqual({ type: 'page_response', pasid: 0, addr: 17, result: 'SUCCESS', prg: 3 });
    expect(i.context.prq).toMatchObject({ pqt: 1, pro: true });
    // The thread drains the ring; PRO stays set, so the ring with room still drops everything.
    i.send({ type: 'writel_prs_ppr' }, 'prq');
    i.send({ type: 'dmar_writeq_pqh', tail: 1 }, 'prq');
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 18 }, 'dma#1'))).toEqual(['dma#1:page_response']);
    // Not last in group and no stream response: dropped without an answer.
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 19, lpig: false }, 'dma#1'))).toEqual([]);
    expect(i.context.prq).toMatchObject({ pqh: 0, pqt: 0, pro: true, live: [] });
  });
});

describe('prq_event_thread: 4.4.y\'s walk of the ring', () => {
  it('a pr_irq while it runs is kept (IRQF_ONESHOT) and runs the walk again after PQH is written', () => {
    const p = prq('fixed');
    expect(sends(p.send({ type: 'pr_irq' }, 'iommu'))).toEqual(['iommu:writel_prs_ppr']);
    expect(sends(p.send({ type: 'ret.writel_prs_ppr' }, 'iommu'))).toEqual(['iommu:dmar_readq_pq']);
    // Empty (a request that came and went): straight to PQH = tail.
    expect(sent(p.send({ type: 'ret.dmar_readq_pq', head: 5, tail: 5 }, 'iommu'), 'dmar_writeq_pqh')).toMatchObject({ tail: 5 });
    expect(sends(p.send({ type: 'pr_irq' }, 'iommu'))).toEqual([]);
    expect(sends(p.send({ type: 'ret.dmar_writeq_pqh' }, 'iommu'))).toEqual(['iommu:writel_prs_ppr']);
    p.send({ type: 'ret.writel_prs_ppr' }, 'iommu');
    p.send({ type: 'ret.dmar_readq_pq', head: 5, tail: 5 }, 'iommu');
    p.send({ type: 'ret.dmar_writeq_pqh' }, 'iommu');
    expect(p.state).toBe('idle');
  });

  it('head wraps at the ring size; a request not last in its group gets no response', () => {
    const p = drive(faultHandlerMachine, { id: 'prq', iommu: 'iommu', svm: 'svm', hunks: variantByName('fixed').hunks, prqSize: 4 });
    p.send({ type: 'pr_irq' }, 'iommu');
    p.send({ type: 'ret.writel_prs_ppr' }, 'iommu');
    expect(sent(p.send({ type: 'ret.dmar_readq_pq', head: 3, tail: 1 }, 'iommu'), 'prq_next')).toMatchObject({ head: 3 });
    p.send({ type: 'ret.prq_next', req: { ...REQ, pasid: 9, lpig: false } }, 'iommu');
    // No svm for PASID 9: no_pasid, and without lpig (or srr) no response: the next descriptor, at 0.
    expect(sent(p.send({ type: 'ret.idr_find', svm: null }, 'svm'), 'prq_next')).toMatchObject({ head: 0 });
    p.send({ type: 'ret.prq_next', req: { ...REQ, pasid: 9, lpig: false, srr: true } }, 'iommu');
    // A stream request: a Page Stream Response.
    expect(sent(p.send({ type: 'ret.idr_find', svm: null }, 'svm'), 'qi_page_response')).toMatchObject({ result: 'FAILURE', resp: 'stream' });
    expect(sent(p.send({ type: 'ret.qi_page_response' }, 'iommu'), 'dmar_writeq_pqh')).toMatchObject({ tail: 1 });
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

describe('the requests a device may send (issue 26)', () => {
  it('a request without PASID: pr_err, bad_req with svm == NULL: a BUG, the thread dies and serves nothing more', () => {
    const p = prq('fixed');
    const r = toIdr(p, { ...REQ, pasid_present: false });
    expect(bugs(r)[0]).toMatch(/NULL pointer dereference in prq_event_thread: .*bad_req, which walks svm->devs with svm == NULL/);
    expect(sends(r)).toEqual([]);
    expect(p.state).toBe('oops');
    expect(sends(p.send({ type: 'pr_irq' }, 'iommu'))).toEqual([]);
    expect(p.state).toBe('oops');
  });

  it('an execute request is access_error (no VMA is VM_EXEC): INVALID; a privileged one is served, priv in rwxp', () => {
    const p = prq('fixed');
    toIdr(p, { ...REQ, write: false, exe_req: true });
    p.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm');
    p.send({ type: 'ret.mmget_not_zero', ok: true }, 'mm#1');
    p.send({ type: 'ret.down_read' }, 'mm#1');
    expect(sends(p.send({ type: 'ret.find_extend_vma', vma: 'vma#1', start: 16 }, 'mm#1'))).toEqual(['mm#1:up_read']);
    const q = prq('fixed');
    toIdr(q, { ...REQ, priv_req: true, sid: 0x08 });
    q.send({ type: 'ret.idr_find', svm: 'svm#1', mm: 'mm#1' }, 'svm');
    q.send({ type: 'ret.mmget_not_zero', ok: true }, 'mm#1');
    q.send({ type: 'ret.down_read' }, 'mm#1');
    expect(sends(q.send({ type: 'ret.find_extend_vma', vma: 'vma#1', start: 16 }, 'mm#1'))).toEqual(['mm#1:handle_mm_fault']);
    q.send({ type: 'ret.handle_mm_fault', ok: true }, 'mm#1');
    q.send({ type: 'ret.up_read' }, 'mm#1');
    // bad_req looks the sdev up by the requester id; rwxp = (rd << 3) | (wr << 2) | (exe << 1) | priv.
    expect(sent(q.send({ type: 'ret.mmput' }, 'mm#1'), 'list_for_each_entry_rcu')).toMatchObject({ sid: 0x08 });
    expect(sent(q.send({ type: 'ret.list_for_each_entry_rcu', sdev: 'sdev#2' }, 'svm'), 'prq_fault_cb')).toMatchObject({ sdev: 'sdev#2', rwxp: 0b0101, result: 'SUCCESS' });
    expect(sent(q.send({ type: 'ret.prq_fault_cb' }, 'svm'), 'qi_page_response')).toMatchObject({ result: 'SUCCESS', sid: 0x08 });
  });

  it('the device: a plain request is its group\'s last; not last in its group, the group\'s last follows; a stream request stands alone', () => {
    const requests = (request?: Record<string, boolean>) => {
      const d = dma();
      submit(d, 0, request ? { request } : {});
      return d.send({ type: 'ret.dma_map', ok: false }, 'iommu').filter((e) => e.type === 'send') as unknown as { event: Record<string, unknown> }[];
    };
    const of = (r: { event: Record<string, unknown> }[]) => r.map((x) => { const { type: _t, pasid: _p, write: _w, forMm: _m, ...rest } = x.event; return rest; });
    expect(of(requests())).toEqual([{ addr: 16, lpig: true }]);
    expect(of(requests({ lpig: false }))).toEqual([{ addr: 16, lpig: false }, { addr: 17, lpig: true }]);
    expect(of(requests({ lpig: false, srr: true }))).toEqual([{ addr: 16, lpig: false, srr: true }]);
    expect(of(requests({ priv_req: true, exe_req: true }))).toEqual([{ addr: 16, lpig: true, priv_req: true, exe_req: true }]);
    // Without PASID: translated by the device's domain (second level), not the PASID's tables.
    const d = dma();
    submit(d, 0, { request: { pasid_present: false } });
    expect(sent(d.send({ type: 'ret.dma_map', ok: true }, 'iommu'), 'dma_map')).toBeUndefined();
  });

  it('the IOMMU: a request without PASID faults; the descriptor gets the requester id; the response goes to it', () => {
    const i = drive(iommuMachine, { id: 'iommu', prqThread: 'prq', devHw: { 'dma#1': { did: 1, sid: 0x08, ats: false, qdep: 0 }, 'dma#2': { did: 2, sid: 0x09, ats: false, qdep: 0 } } });
    expect(sent(i.send({ type: 'dma_map', pasid: 0, addr: 16, write: true, forMm: 'mm#1', pasid_present: false }, 'dma#1'), 'ret.dma_map')).toMatchObject({ ok: false, fault: 'second-level' });
    i.send({ type: 'page_request', pasid: 0, addr: 16, lpig: true }, 'dma#2');
    expect(sent(i.send({ type: 'prq_next', head: 0 }, 'prq'), 'ret.prq_next')).toMatchObject({ req: { dev: 'dma#2', sid: 0x09 } });
    expect(sends(i.send({ type: 'qi_page_response', dev: 'dma#1', sid: 0x09, pasid: 0, addr: 16, result: 'SUCCESS' }, 'prq'))).toEqual(['dma#2:page_response', 'prq:ret.qi_page_response']);
  });
});

describe('66ac4db36f4c\'s drain in the hardware (tried, off the line)', () => {
  const hw = { 'dma#1': { did: 1, sid: 0x08, ats: true, qdep: 0 } };
  const DRAIN = { type: 'qi_submit_sync', desc: 'drain', did: 1, sid: 0x08, pasid: 0, qdep: 0, dev: 'dma#1', tag: 'unbind' };
  it('the page-drain goes to the device and completes only with its ATS invalidation completion', () => {
    const i = drive(iommuMachine, { id: 'iommu', prqThread: 'prq', devHw: hw });
    i.send({ type: 'pasid_table_set', pasid: 0, pgd: 'pgd#1', mm: 'mm#1', owner: 'process#1' }, 'svm');
    i.send(MAP, 'dma#1');
    i.send({ type: 'ret.iommu_walk', page: 'page#1.2', pt: 'pt#1.1' }, 'mm#1');
    expect(Object.keys(i.context.devtlb)).toEqual(['8:0:16']);
    expect(sends(i.send(DRAIN, 'svm'))).toEqual(['dma#1:ats_invalidate']);
    // The PASID's IOTLB and device-TLB entries are gone, but the wait is not done.
    expect(i.context.iotlb).toEqual({});
    expect(i.context.devtlb).toEqual({});
    // A request the device sent before its completion lands first (one channel, in order).
    expect(sends(i.send({ type: 'page_request', pasid: 0, addr: 17 }, 'dma#1'))).toEqual(['prq:pr_irq']);
    expect(sent(i.send({ type: 'ats_invalidate_complete', sid: 0x08, pasid: 0 }, 'dma#1'), 'ret.qi_submit_sync')).toMatchObject({ tag: 'unbind' });
  });

  it('the scan sees a queued request of its PASID only; prq_complete: done is kept for the next wait, a sleeper is woken', () => {
    const i = iommu();
    i.send({ type: 'page_request', pasid: 1, addr: 16 }, 'dma#1');
    i.send({ type: 'page_request', pasid: 0, addr: 16, pasid_present: false }, 'dma#1');
    expect(sent(i.send({ type: 'dmar_readq_pq', pasid: 0 }, 'svm'), 'ret.dmar_readq_pq')).toMatchObject({ pending: false });
    i.send({ type: 'page_request', pasid: 0, addr: 17 }, 'dma#1');
    expect(sent(i.send({ type: 'dmar_readq_pq', pasid: 0 }, 'svm'), 'ret.dmar_readq_pq')).toMatchObject({ pending: true });
    // complete() before the wait: the wait returns at once.
    expect(sends(i.send({ type: 'complete' }, 'prq'))).toEqual([]);
    expect(sends(i.send({ type: 'wait_for_completion' }, 'svm'))).toEqual(['svm:ret.wait_for_completion']);
    // The wait first: it sleeps until the thread's complete().
    expect(sends(i.send({ type: 'wait_for_completion' }, 'svm'))).toEqual([]);
    expect(sends(i.send({ type: 'complete' }, 'prq'))).toEqual(['svm:ret.wait_for_completion']);
    // The scan's reinit_completion forgets a complete() that came before it.
    i.send({ type: 'complete' }, 'prq');
    i.send({ type: 'dmar_readq_pq', pasid: 0 }, 'svm');
    expect(sends(i.send({ type: 'wait_for_completion' }, 'svm'))).toEqual([]);
  });

  it('the device answers an ATS invalidation in any state, on its channel to the IOMMU', () => {
    const d = drive(dmaMachine, { id: 'dma#1', iommu: 'iommu' });
    expect(sent(d.send({ type: 'ats_invalidate', sid: 8, pasid: 0 }, 'iommu'), 'ats_invalidate_complete')).toMatchObject({ sid: 8, pasid: 0 });
    d.send({ type: 'dma_submit', pasid: 0, addr: 16, write: true, forMm: 'mm#1' }, 'file#1');
    expect(d.state).toBe('dma_map');
    expect(sends(d.send({ type: 'ats_invalidate', sid: 8, pasid: 0 }, 'iommu'))).toEqual(['iommu:ats_invalidate_complete']);
    expect(d.state).toBe('dma_map');
  });

  it('prq_event_thread completes prq_complete after writing PQH (the drain\'s variant only)', () => {
    for (const [kernel, after] of [['v5.8-66ac4db36f4c', ['iommu:complete']], ['v5.7-902baf61adf6', []]] as const) {
      const p = prq(kernel);
      p.send({ type: 'pr_irq' }, 'iommu');
      p.send({ type: 'ret.writel_prs_ppr' }, 'iommu');
      expect(sends(p.send({ type: 'ret.dmar_readq_pq', head: 0, tail: 0 }, 'iommu')), kernel).toEqual(['iommu:dmar_writeq_pqh']);
      expect(sends(p.send({ type: 'ret.dmar_writeq_pqh' }, 'iommu')), kernel).toEqual(after);
    }
  });
});
