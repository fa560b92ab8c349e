// End-state oracles for live processes too: dangling (a live object pointing at a freed one, a
// freed mm with notifiers listed) and refcount (an mm's counts against its live holders). And the
// references they read come from the objects' own fields, not from the variant.
import { describe, expect, it } from 'vitest';
import { dangling } from '../../src/oracles/dangling.ts';
import { refcount } from '../../src/oracles/refcount.ts';
import { objectTable } from '../../src/trace/objects.ts';
import type { ActorView, Effect, TraceEvent } from '../../src/runtime/types.ts';
import type { KObj } from '../../machines/objects.ts';
import { run } from '../model/helpers.ts';

const alloc = (obj: string, kind: KObj['kind'], owner: string, init: Record<string, unknown> = {}): Effect => ({ op: 'alloc', obj, kind, owner, init });
const free = (obj: string, kind: KObj['kind']): Effect => ({ op: 'free', obj, kind });
const traceOf = (...steps: Effect[][]): TraceEvent[] =>
  steps.map((effects, step) => ({ step, seq: step, from: 'process#1', to: 'svm', event: 'e', args: {}, state: '', effects, cause: null }));
const judged = (trace: TraceEvent[], views: ActorView[] = [], quiescent = true) => ({ trace, objects: objectTable(trace), views, quiescent, maxSteps: 100 });
const alive = (id: string): ActorView => ({ id, kind: 'process', state: 'running', waiting: false });
const dead = (id: string): ActorView => ({ id, kind: 'process', state: 'dead', waiting: false });

describe('dangling', () => {
  const base = [alloc('pasid#1', 'pasid', 'process#1'), alloc('svm#1', 'svm', 'process#1', { links: ['mm#1', 'pasid#1'] }), alloc('pasid-entry#1', 'pasid-entry', 'process#1', { links: ['pasid#1', 'svm#1'] })];

  it('a PASID entry present for a freed PASID and svm, with the step and path of the free', () => {
    const v = dangling(judged(traceOf(base, [free('pasid#1', 'pasid'), free('svm#1', 'svm')])));
    expect(v.map((x) => x.objects)).toEqual([['pasid-entry#1', 'pasid#1'], ['pasid-entry#1', 'svm#1']]);
    expect(v[0]!.message).toMatch(/^BUG: at quiescence: pasid-entry#1: PASID-table entry present for freed pasid#1 \(freed at step 1/);
  });

  it('nothing when the pointer and its target go together, or before quiescence', () => {
    expect(dangling(judged(traceOf(base, [free('pasid-entry#1', 'pasid-entry'), free('pasid#1', 'pasid'), free('svm#1', 'svm')])))).toEqual([]);
    expect(dangling(judged(traceOf(base, [free('pasid#1', 'pasid')]), [], false))).toEqual([]);
  });

  it('an IOTLB entry for a freed page; a freed mm whose notifier list is not empty', () => {
    const t = traceOf(
      [alloc('page#1.2', 'page', 'process#1'), alloc('iotlb', 'iotlb', '', { links: ['page#1.2'] }), alloc('mm#1', 'mm', 'process#1', { links: ['svm#1'] })],
      [free('page#1.2', 'page'), free('mm#1', 'mm')],
    );
    expect(dangling(judged(t)).map((x) => x.message)).toEqual([
      expect.stringMatching(/iotlb: IOTLB entry still translating for freed page#1\.2/),
      expect.stringMatching(/freed mm#1 .*still has the notifier\(s\) of svm#1/),
    ]);
  });
});

describe('dangling: a page mapped where no VMA is', () => {
  const mm = alloc('mm#1', 'mm', 'process#1', { refs: ['vma#1'] });
  const vma = alloc('vma#1', 'vma', 'process#1', { start: 16, end: 18 });
  const page = (addr: number) => alloc(`page#1.${addr}`, 'page', 'process#1', { addr });

  it('a page inside a live VMA of its live mm is fine; one past vm_end, or below vm_start, is not', () => {
    expect(dangling(judged(traceOf([mm, vma, page(16), page(17)])))).toEqual([]);
    const v = dangling(judged(traceOf([mm, vma, page(18), page(15)])));
    expect(v.map((x) => x.objects)).toEqual([['page#1.18', 'mm#1'], ['page#1.15', 'mm#1']]);
    expect(v[0]!.message).toBe('BUG: at quiescence: page#1.18 at 18 is still mapped in mm#1, where none of its VMAs is (a zap missed it)');
  });

  it('a page whose VMA was freed (a munmap that did not zap it) is reported; with its mm freed too, it is not this check', () => {
    // (the mm still listing the freed VMA is a dangling pointer of its own)
    expect(dangling(judged(traceOf([mm, vma, page(16)], [free('vma#1', 'vma')]))).map((x) => x.objects)).toEqual([['mm#1', 'vma#1'], ['page#1.16', 'mm#1']]);
    expect(dangling(judged(traceOf([mm, vma, page(16)], [free('vma#1', 'vma'), free('mm#1', 'mm')])))).toEqual([]);
  });

  it('the munmap of the upper of two VMAs leaves the lower one mapped and nothing stale (the model, on fixed)', async () => {
    const r = await run('munmap-above-alive', 'fixed');
    expect(r.violations).toEqual([]);
    const pages = r.objects.states().filter((o) => o.kind === 'page');
    expect(pages.filter((o) => o.alive).map((o) => (o as { addr?: number }).addr)).toEqual([16]);
    expect(pages.filter((o) => !o.alive).map((o) => (o as { addr?: number }).addr)).toEqual([18]);
  });
});

describe('refcount', () => {
  const mm = (users: number, count: number) => alloc('mm#1', 'mm', 'process#1', { mm_users: users, mm_count: count });
  const svm = (refs: string[]) => alloc('svm#1', 'svm', 'process#1', { refs, links: ['mm#1'] });

  it('a live process: its own mm_users, the shared mm_count and one per notifier', () => {
    expect(refcount(judged(traceOf([mm(1, 2), svm([])]), [alive('process#1')]))).toEqual([]);
    const v = refcount(judged(traceOf([mm(2, 2), svm([])]), [alive('process#1')]));
    expect(v.map((x) => x.message)).toEqual(['BUG: at quiescence: mm#1->mm_users = 2, but its live holders account for 1: process#1 (its own)']);
  });

  it('an exited process: only an svm that holds mm_users (its refs) accounts for one', () => {
    expect(refcount(judged(traceOf([mm(1, 2), svm(['mm#1'])]), [dead('process#1')]))).toEqual([]);
    expect(refcount(judged(traceOf([mm(1, 2), svm([])]), [dead('process#1')])).map((x) => x.objects)).toEqual([['mm#1']]);
    // Too few is as wrong as too many: a drop that will free the mm under a holder.
    expect(refcount(judged(traceOf([mm(0, 0), svm([])]), [dead('process#1')]))[0]!.message).toMatch(/mm_count = 0, but its live holders account for 1: svm#1 \(mmu notifier\)/);
  });
});

describe('refcount: a task blocked in do_exit', () => {
  const mm = (users: number, count: number) => alloc('mm#1', 'mm', 'process#1', { mm_users: users, mm_count: count });
  const svm = alloc('svm#1', 'svm', 'process#1', { refs: [], links: ['mm#1'] });
  const at = (state: string): ActorView => ({ id: 'process#1', kind: 'process', state, waiting: true });

  it('holds its mm until do_exit has put it: not after mmput (a hung __fput), still in exit_mm', () => {
    expect(refcount(judged(traceOf([mm(0, 1), svm]), [at('do_exit.task_work_run')]))).toEqual([]);
    expect(refcount(judged(traceOf([mm(0, 1), svm]), [at('do_exit.filp_close')]))).toEqual([]);
    expect(refcount(judged(traceOf([mm(0, 1), svm]), [at('do_exit.exit_mm')])).map((x) => x.message)).toEqual([
      'BUG: at quiescence: mm#1->mm_users = 0, but its live holders account for 1: process#1 (its own)',
      expect.stringMatching(/mm_count = 1, but its live holders account for 2/),
    ]);
  });
});

describe('refcount: a live file', () => {
  const ev = (step: number, event: string, effects: Effect[] = []): TraceEvent => ({ step, seq: step, from: 'process#1', to: 'file#1', event, args: {}, state: '', effects, cause: null });
  const file = (f_count: number) => alloc('file#1', 'file', 'process#1', { f_count });
  const vma = alloc('vma#1', 'vma', 'process#1', { refs: ['file#1'] });

  it('f_count is its open fds plus the live VMAs that map it', () => {
    expect(refcount(judged([ev(0, 'open', [file(2), vma])], [alive('process#1')]))).toEqual([]);
    expect(refcount(judged([ev(0, 'open', [file(1), vma])], [alive('process#1')]))[0]!.message).toBe(
      'BUG: at quiescence: file#1->f_count = 1, but its live holders account for 2: 1 fd(s), vma#1 (vm_file)',
    );
    // Closed: only the VMA holds it.
    expect(refcount(judged([ev(0, 'open', [file(2), vma]), ev(1, 'filp_close', [{ op: 'count', obj: 'file#1', field: 'f_count', from: 2, to: 1 }])], [alive('process#1')]))).toEqual([]);
  });

  it('a file nothing holds must be freed, unless its release is still blocked (stuck says so)', () => {
    const closed = [ev(0, 'open', [file(1)]), ev(1, 'filp_close', [{ op: 'count', obj: 'file#1', field: 'f_count', from: 1, to: 0 }])];
    const fileView = (waiting: boolean): ActorView => ({ id: 'file#1', kind: 'file', state: waiting ? '__fput.dma_stop' : 'deferred', waiting });
    expect(refcount(judged(closed, [alive('process#1'), fileView(false)])).map((v) => v.message)).toEqual([
      "BUG: at quiescence: file#1->f_count = 0 and nothing holds it, yet it is not freed: its final fput's __fput never ran",
    ]);
    expect(refcount(judged(closed, [alive('process#1'), fileView(true)]))).toEqual([]);
    expect(refcount(judged([...closed, ev(2, '__fput', [free('file#1', 'file')])], [alive('process#1')]))).toEqual([]);
  });
});

describe('refs come from what the svm holds', () => {
  it('pre-fix: the first bind keeps get_task_mm\'s mm_users, so the svm pins the mm and the leak names the ring', async () => {
    const r = await run('exit-with-mmap', 'pre-fix');
    expect(r.objects.get('svm#1')?.refs).toEqual(['mm#1']);
    expect(r.violations.map((v) => v.oracle)).toEqual(['leak']);
    expect(r.violations[0]!.message).toMatch(/reference cycle: .*svm#1 holds mm_users of mm#1/);
  });

  it('fixed: the bind mmput()s, so the svm pins nothing (it still points at its mm and PASID)', async () => {
    const r = await run('exit-with-mmap', 'fixed');
    expect(r.trace.flatMap((e) => e.effects).filter((e) => e.op === 'count' && e.obj === 'svm#1' && e.field === 'refs')).toEqual([]);
    expect(r.objects.get('svm#1')).toMatchObject({ refs: [], links: ['mm#1', 'pasid#1'], alive: false });
  });
});
