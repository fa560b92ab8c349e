// Issue 25 item 6: a supervisor bind ("supervisor": true, SVM_FLAG_SUPERVISOR_MODE), as 4.4's
// drivers/iommu/intel-svm.c has it. intel_svm_bind_mm: no get_task_mm, `svm->mm = mm` (NULL),
// `if (mm) mmu_notifier_register(...)` skipped, `pasid_table[pasid].val = __pa(init_mm.pgd) | 1 |
// (1ULL << 11)` (SRE), `out: if (mm) mmput(mm)` skipped. prq_event_thread: `if (!svm->mm) goto
// bad_req` with result QI_RESP_INVALID. intel_svm_unbind_mm: pre-fix calls
// mmu_notifier_unregister(&svm->notifier, svm->mm) with NULL; the seed's `if (svm->mm)` skips it and
// frees the svm, leaving the entry present; 4fa064b26c2e (v4.19) clears the entry.
import { describe, expect, it } from 'vitest';
import type { SimResult } from '../../src/simulate.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';
import { countsAfter, enters, frees, is, run, stepOf } from './helpers.ts';

const KERNELS = ['pre-fix', 'fixed', 'v4.19-4fa064b26c2e'] as const;
const oracles = (r: SimResult) => [...new Set(r.violations.map((v) => v.oracle))].sort();
const last = (t: TraceEvent[]) => t[t.length - 1]!.step;

describe('supervisor-bind: a supervisor PASID that lives on', () => {
  for (const k of KERNELS) {
    describe(k, () => {
      it('intel_svm_bind_mm takes no mm: no get_task_mm, no mmu_notifier_register, no mmput; A\'s mm counts do not move', async () => {
        const r = await run('supervisor-bind', k);
        const bind = r.trace.find(is('intel_svm_bind_mm'))!;
        expect(bind.args).toMatchObject({ mm: null, supervisor: true });
        const bindEnd = stepOf(r.trace, 'ret.intel_svm_bind_mm', is('ret.intel_svm_bind_mm'));
        const svmCalls = r.trace.filter((e) => e.from === 'svm' && e.step <= bindEnd).map((e) => e.event);
        expect(svmCalls).not.toContain('mmget');
        expect(svmCalls).not.toContain('mmput');
        expect(r.trace.some(is('mmu_notifier_register'))).toBe(false);
        expect(countsAfter(r.trace, bindEnd)).toMatchObject({ mm_users: 1, mm_count: 1 });
        expect(countsAfter(r.trace, last(r.trace))).toMatchObject({ mm_users: 1, mm_count: 1 });
        expect(r.objects.get('svm#1')!.links).toEqual(['pasid#1']);
      });

      it('the entry points at init_mm\'s pgd with SRE, and links no pgd of A\'s', async () => {
        const r = await run('supervisor-bind', k);
        const set = r.trace.find(is('pasid_table_set'))!;
        expect(set.args).toMatchObject({ pgd: 'init_mm.pgd', sre: true, mm: null });
        const entry = r.objects.all().find((o) => o.kind === 'pasid-entry')!;
        expect(entry.alive).toBe(true);
        expect(entry.links).not.toContain('pgd#1');
      });

      it('both DMAs to A\'s own page walk no page table of A\'s and fault, even once A\'s touch has mapped the page; the fault handler answers each from bad_req: INVALID, never pinning or reading svm->mm', async () => {
        const r = await run('supervisor-bind', k);
        // A's page 16 is mapped (mmap_region of the device file, then A's own touch), yet the walk is init_mm's.
        const touched = stepOf(r.trace, 'A\'s handle_mm_fault', (e) => e.to === 'mm#1' && e.event === 'handle_mm_fault' && e.from === 'process#1');
        expect(r.trace.find((e) => e.step === touched)!.effects).toContainEqual(expect.objectContaining({ op: 'alloc', kind: 'page' }));
        expect(r.trace.some((e) => e.to === 'mm#1' && e.event === 'iommu_walk')).toBe(false);
        expect(r.trace.some((e) => e.effects.some((x) => x.op === 'access' && String(x.how).startsWith('dma')))).toBe(false);
        const maps = r.trace.filter(is('ret.dma_map'));
        expect(maps.length).toBeGreaterThanOrEqual(2);
        for (const m of maps) expect(m.args).toMatchObject({ ok: false, fault: 'page-not-present' });
        expect(maps.some((m) => m.step > touched)).toBe(true);
        const found = r.trace.filter(is('ret.idr_find'));
        expect(found).toHaveLength(2);
        for (const f of found) {
          expect(f.args).toMatchObject({ svm: 'svm#1', mm: null });
          expect(f.state).toBe('bad_req');
        }
        const handler = r.trace.filter((e) => e.from === 'prq' || e.to === 'prq').map((e) => e.event);
        for (const call of ['mmget_not_zero', 'down_read', 'find_extend_vma', 'handle_mm_fault', 'up_read', 'mmput']) expect(handler).not.toContain(call);
        expect(r.trace.filter(is('qi_page_response')).map((e) => e.args.result)).toEqual(['INVALID', 'INVALID']);
        expect(r.trace.filter(is('page_response')).map((e) => e.args.result)).toEqual(['INVALID', 'INVALID']);
        expect(r.violations).toEqual([]);
      });
    });
  }
});

describe('supervisor-unbind: the unbind of a supervisor PASID', () => {
  it('pre-fix: mmu_notifier_unregister(&svm->notifier, NULL) oopses holding pasid_mutex: no unregister reaches any mm, the svm is never freed', async () => {
    const r = await run('supervisor-unbind', 'pre-fix');
    const oops = r.violations.find((v) => v.oracle === 'invariant')!;
    expect(oops.message).toMatch(/NULL pointer dereference in mmu_notifier_unregister/);
    expect(oops.actors).toEqual(['svm']);
    const at = r.trace.find((e) => e.step === oops.step)!;
    expect(at.state).toMatch(/^pasid_mutex\.intel_svm_unbind_mm\.oops\|/);
    // The flushes ran first (intel_flush_pasid_dev, intel_flush_svm_range_dev with pde = !svm->mm).
    const flushes = r.trace.filter((e) => e.from === 'svm' && e.event === 'qi_submit_sync' && e.args.tag === 'unbind').map((e) => [e.args.desc, e.args.gran]);
    expect(flushes).toEqual([['pasid-cache', undefined], ['eiotlb', 'all-all']]);
    expect(r.trace.some(is('mmu_notifier_unregister'))).toBe(false);
    expect(r.trace.some(frees('svm#1'))).toBe(false);
    expect(r.trace.some(is('ret.ioctl_unbind'))).toBe(false);
    expect(oracles(r)).toEqual(['invariant', 'stuck']);
  });

  it('fixed (the seed): `if (svm->mm)` skips the unregister, frees the svm and the PASID, and leaves the entry present: dangling', async () => {
    const r = await run('supervisor-unbind', 'fixed');
    expect(r.trace.some(is('mmu_notifier_unregister'))).toBe(false);
    const freed = stepOf(r.trace, 'kfree(svm)', frees('svm#1'));
    expect(r.trace.find((e) => e.step === freed)!.effects.filter((x) => x.op === 'free').map((x) => x.obj).sort()).toEqual(['pasid#1', 'sdev#2', 'svm#1']);
    expect(r.trace.some(is('pasid_table_clear'))).toBe(false);
    expect(r.objects.all().find((o) => o.kind === 'pasid-entry')!.alive).toBe(true);
    expect(oracles(r)).toEqual(['dangling']);
    expect(r.violations.every((v) => v.objects?.includes('pasid-entry#1'))).toBe(true);
  });

  it('v4.19-4fa064b26c2e: intel_pasid_clear_entry once the last sdev is gone, before the svm is freed: clean', async () => {
    const r = await run('supervisor-unbind', 'v4.19-4fa064b26c2e');
    const clear = stepOf(r.trace, 'intel_pasid_clear_entry', enters('svm', 'intel_pasid_clear_entry'));
    const sent = stepOf(r.trace, 'pasid_table_clear', is('pasid_table_clear', 'iommu', 'svm'));
    expect(sent).toBeGreaterThan(clear);
    expect(r.trace.find((e) => e.step === sent)!.effects).toContainEqual(expect.objectContaining({ op: 'free', obj: 'pasid-entry#1' }));
    expect(stepOf(r.trace, 'kfree(svm)', frees('svm#1'))).toBeGreaterThan(sent);
    expect(r.trace.some(is('mmu_notifier_unregister'))).toBe(false);
    expect(r.violations).toEqual([]);
  });
});
