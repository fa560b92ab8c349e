// page-response: the answer prq_event_thread gives must be what its own lookups found.
import { describe, expect, it } from 'vitest';
import { pageResponse } from '../../src/oracles/page-response.ts';
import { ObjectTable } from '../../src/trace/objects.ts';
import type { ActorView, TraceEvent } from '../../src/runtime/types.ts';
import { run } from '../model/helpers.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { simulate } from '../../src/simulate.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { random } from '../../src/scheduler/random.ts';

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

  it('find_extend_vma must return the VMA with the protection mmap_region gave it', () => {
    const mapped = (ro: boolean) => [ev('process#1', 'mm#1', 'mmap_region', { vma: 'vma#1', start: 16, end: 18, ...(ro ? { ro: true } : {}) }), ev('mm#1', 'process#1', 'ret.mmap_region')];
    const roVma = ev('mm#1', 'prq', 'ret.find_extend_vma', { vma: 'vma#1', start: 16, ro: true });
    expect(judged(trace(...mapped(true), req, found, pinned, roVma, handled, answer('SUCCESS')))).toEqual([]);
    expect(judged(trace(...mapped(false), req, found, pinned, vma, handled, answer('SUCCESS')))).toEqual([]);
    expect(judged(trace(...mapped(true), req, found, pinned, vma, handled, answer('SUCCESS'))).map((v) => v.message)).toEqual([
      'BUG: find_extend_vma(mm#1, 16) returned vma#1 writable, which mmap_region mapped read-only',
    ]);
    expect(judged(trace(...mapped(false), req, found, pinned, roVma, handled, answer('SUCCESS'))).map((v) => v.message)).toEqual([
      'BUG: find_extend_vma(mm#1, 16) returned vma#1 read-only, which mmap_region mapped writable',
    ]);
  });

  it('a Success for the request the device has out must lead to a retried DMA; not one for a request it gave up on', () => {
    const dev: ActorView[] = [...views, { id: 'dma#1', kind: 'dma', state: 'idle', waiting: false }];
    const at = (e: Omit<TraceEvent, 'step' | 'seq'>, state: string) => ({ ...e, state });
    const faulted = at(ev('iommu', 'dma#1', 'ret.dma_map', { ok: false, pasid: 0 }), 'page_request');
    const asked = ev('dma#1', 'iommu', 'page_request', { pasid: 0, addr: 16, prg: 1 });
    const success = (state: string) => at(ev('iommu', 'dma#1', 'page_response', { pasid: 0, addr: 16, result: 'SUCCESS', prg: 1 }), state);
    const judge = (t: TraceEvent[]) => pageResponse({ trace: t, objects: new ObjectTable(t), views: dev, quiescent: true, maxSteps: 100 }).map((v) => v.message);
    expect(judge(trace(faulted, asked, success('idle')))).toEqual(['BUG: dma#1 got Success for its page request (PASID 0, page 16) and dropped the DMA instead of retrying it']);
    // device-timeout: the device gives up (back to idle), takes the next job, faults again; the
    // late Success for the first request arrives before the second request is delivered.
    const gaveUp = at(ev('dma#1', 'dma#1', 'page_timeout', { prg: 1 }), 'idle');
    const next = at(ev('iommu', 'dma#1', 'ret.dma_map', { ok: false, pasid: 1 }), 'page_request');
    expect(judge(trace(faulted, asked, gaveUp, next, success('page_request')))).toEqual([]);
    // The timer fired before the request itself was delivered: it was given up on before it was out.
    const lateAsk = { ...asked, cause: 0 };
    expect(judge(trace(faulted, gaveUp, lateAsk, next, success('page_request')))).toEqual([]);
  });

  it('F24: a Success after dma_stop reached the device is dropped rightly, whenever the request was delivered; a PASID submitted again is served again', () => {
    const dev: ActorView[] = [...views, { id: 'dma#1', kind: 'dma', state: 'idle', waiting: false }];
    const at = (e: Omit<TraceEvent, 'step' | 'seq'>, state: string) => ({ ...e, state });
    const faulted = at(ev('iommu', 'dma#1', 'ret.dma_map', { ok: false, pasid: 0 }), 'page_request');
    const asked = ev('dma#1', 'iommu', 'page_request', { pasid: 0, addr: 16, prg: 1 });
    const stop = at(ev('file#1', 'dma#1', 'dma_stop', { pasid: 0 }), 'page_request');
    const again = at(ev('file#2', 'dma#1', 'dma_submit', { pasid: 0, addr: 16, wait: false }), 'page_request');
    const success = at(ev('iommu', 'dma#1', 'page_response', { pasid: 0, addr: 16, result: 'SUCCESS', prg: 1 }), 'idle');
    const judge = (t: TraceEvent[]) => pageResponse({ trace: t, objects: new ObjectTable(t), views: dev, quiescent: true, maxSteps: 100 }).filter((v) => /dropped the DMA/.test(v.message));
    // The stop reached the device before its page request reached the IOMMU (the F24 order).
    expect(judge(trace(faulted, stop, asked, success))).toEqual([]);
    expect(judge(trace(faulted, asked, stop, success))).toEqual([]);
    // A stop of another PASID leaves this one's job to be retried.
    expect(judge(trace(faulted, at(ev('file#1', 'dma#1', 'dma_stop', { pasid: 1 }), 'page_request'), asked, success))).toHaveLength(1);
    // The PASID handed out again and submitted: no longer stopped, so the Success must be retried.
    expect(judge(trace(faulted, stop, again, asked, success))).toHaveLength(1);
  });

  it('F24: the graphics-style world with device-timeout allowed finds no dropped Success on fixed', async () => {
    const steps = (name: string, after?: string) => ({
      name,
      steps: [
        { op: 'open', file: 'dev', device: 'accel0' },
        { op: 'mmap', vma: 'heap', addr: 16, pages: 4 },
        { op: 'bind', file: 'dev', ...(after ? { after } : {}) },
        { op: 'dma', file: 'dev', addr: 16, write: true },
        { op: 'close', file: 'dev' },
        { op: 'exit' },
      ],
    });
    const world = parseScenario({ name: 'f24', devices: ['accel0'], processes: [steps('A'), steps('B', 'A.exit')], faults: [{ kind: 'device-timeout', device: 'accel0' }] }, 'test');
    let dropped = 0;
    for (let seed = 0; seed < 12; seed++) {
      const r = await simulate({ scenario: world, variant: variantByName('fixed'), strategy: random(), seed, transport: inlineTransport() });
      dropped += r.violations.filter((v) => v.oracle === 'page-response').length;
    }
    expect(dropped).toBe(0);
  });

  it('never fires on the model: DMA to an unmapped page is answered INVALID, a mapped one SUCCESS', async () => {
    const r = await run('dma-unmapped', 'fixed');
    const results = r.trace.filter((e) => e.event === 'qi_page_response').map((e) => e.args.result);
    expect(results).toContain('INVALID');
    expect(results).toContain('SUCCESS');
    expect(r.violations).toEqual([]);
  });
});
