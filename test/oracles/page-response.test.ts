// page-response: the answer prq_event_thread gives must be what its own lookups found.
import { describe, expect, it } from 'vitest';
import { pageResponse } from '../../src/oracles/page-response.ts';
import { ObjectTable } from '../../src/trace/objects.ts';
import type { ActorView, TraceEvent } from '../../src/runtime/types.ts';
import { run } from '../model/helpers.ts';

const views: ActorView[] = [{ id: 'prq', kind: 'faultHandler', state: 'idle', waiting: false }];
const ev = (from: string, to: string, event: string, args: Record<string, unknown> = {}): Omit<TraceEvent, 'step' | 'seq'> => ({ from, to, event, args, state: '', effects: [], cause: null });
const trace = (...evs: Omit<TraceEvent, 'step' | 'seq'>[]): TraceEvent[] => evs.map((e, i) => ({ ...e, step: i, seq: i }));
const judged = (t: TraceEvent[]) => pageResponse({ trace: t, objects: new ObjectTable(t), views, quiescent: true, maxSteps: 100 });

const req = ev('iommu', 'prq', 'ret.prq_next', { req: { pasid: 0, addr: 16 } });
const found = ev('svm', 'prq', 'ret.idr_find', { svm: 'svm#1', mm: 'mm#1' });
const pinned = ev('mm#1', 'prq', 'ret.mmget_not_zero', { ok: true });
const vma = ev('mm#1', 'prq', 'ret.find_extend_vma', { vma: 'vma#1', start: 16 });
const handled = ev('mm#1', 'prq', 'ret.handle_mm_fault', { ok: true });
const answer = (result: string) => ev('prq', 'iommu', 'qi_page_response', { result, pasid: 0, dev: 'dma#1' });

describe('page-response', () => {
  it('each answer that follows from the lookups passes', () => {
    expect(judged(trace(req, found, pinned, vma, handled, answer('SUCCESS')))).toEqual([]);
    expect(judged(trace(req, ev('svm', 'prq', 'ret.idr_find', { svm: null, mm: null }), answer('FAILURE')))).toEqual([]);
    expect(judged(trace(req, found, ev('mm#1', 'prq', 'ret.mmget_not_zero', { ok: false }), answer('INVALID')))).toEqual([]);
    expect(judged(trace(req, found, pinned, ev('mm#1', 'prq', 'ret.find_extend_vma', { vma: null, start: null }), answer('INVALID')))).toEqual([]);
  });

  it('a fault served but answered INVALID, an answer before the lookup, a fault served after no VMA', () => {
    expect(judged(trace(req, found, pinned, vma, handled, answer('INVALID')))[0]!.message).toBe(
      'BUG: prq_event_thread answered the page request for PASID 0 at page 16 with INVALID, where what it found calls for SUCCESS',
    );
    expect(judged(trace(req, found, answer('INVALID')))[0]!.message).toMatch(/before it had looked the fault up/);
    const noVma = ev('mm#1', 'prq', 'ret.find_extend_vma', { vma: null, start: null });
    expect(judged(trace(req, found, pinned, noVma, handled, answer('SUCCESS'))).map((v) => v.oracle)).toEqual(['page-response']);
  });

  it('never fires on the model: DMA to an unmapped page is answered INVALID, a mapped one SUCCESS', async () => {
    const r = await run('dma-unmapped', 'fixed');
    const results = r.trace.filter((e) => e.event === 'qi_page_response').map((e) => e.args.result);
    expect(results).toContain('INVALID');
    expect(results).toContain('SUCCESS');
    expect(r.violations).toEqual([]);
  });
});
