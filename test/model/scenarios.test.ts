// The other orderings of kernel-notes §3.1 (graphics) and §3.3, each as a built-in scenario.
import { describe, expect, it } from 'vitest';
import { builtinNames } from '../../src/scenario/load.ts';
import { isFaultScenario } from '../../src/faults/scenarios.ts';
import { aliveOf, countsAfter, is, run, stepOf } from './helpers.ts';

const SEEDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

describe('pre-fix graphics (no mmap of the bound file): never leaked', () => {
  it('fifo: unbind runs at exit_task_work and exit_mmap runs inside it, under pasid_mutex', async () => {
    const r = await run('graphics', 'pre-fix');
    expect(r.violations).toEqual([]);
    const mmput = stepOf(r.trace, 'unbind mmput', is('mmput', 'mm#1', 'svm'));
    expect(countsAfter(r.trace, mmput).mm_users).toBe(0);
    // exit_mmap's phases run while the svm is still inside intel_svm_unbind_mm (mutex held).
    const release = stepOf(r.trace, 'exit_mmap', is('free_pgtables', 'mm#1'), mmput);
    const svmBefore = r.trace.filter((e) => e.to === 'svm' && e.step < release).at(-1)!;
    expect(svmBefore.state).toContain('pasid_mutex.intel_svm_unbind_mm.mmput');
    // Release came from mmu_notifier_unregister (notifier still hashed), not from exit_mmap.
    expect(r.trace.filter((e) => e.event === 'intel_mm_release').map((e) => e.args.tag)).toEqual(['unregister']);
  });
  it.each(SEEDS)('random seed %i: no leak, no violation', async (seed) => {
    expect((await run('graphics', 'pre-fix', seed)).violations).toEqual([]);
  });
});

describe('fixed: no oracle fires on any built-in scenario', () => {
  const cases = builtinNames().filter((s) => !isFaultScenario(s)).flatMap((s) => SEEDS.slice(0, 5).map((seed) => [s, seed] as const));
  it.each(cases)('%s, random seed %i', async (scenario, seed) => {
    const r = await run(scenario, 'fixed', seed);
    expect(r.quiescent).toBe(true);
    expect(r.violations).toEqual([]);
  });
});

describe('fixed two-processes: B keeps working while A exits', () => {
  it.each([undefined, ...SEEDS])('seed %s: every one of B\'s DMA jobs completes, A is freed', async (seed) => {
    const r = await run('two-processes', 'fixed', seed);
    const pasidB = r.trace.find((e) => e.event === 'ret.ioctl_bind' && e.to === 'process#2')!.args.pasid;
    const pasidA = r.trace.find((e) => e.event === 'ret.ioctl_bind' && e.to === 'process#1')!.args.pasid;
    expect(pasidB).not.toBe(pasidA);
    const doneB = r.trace.filter((e) => e.event === 'ret.dma_map' && e.args.ok === true && e.args.pasid === pasidB);
    expect(doneB).toHaveLength(3);
    expect(r.objects.all().filter((o) => o.owner === 'process#1' && o.alive)).toEqual([]);
    expect(r.violations).toEqual([]);
  });
});

describe('fixed close-then-exit: the VMA drops the last f_count inside exit_mm', () => {
  it('remove_vma\'s fput is final; __fput is deferred to exit_task_work, after exit_mmap', async () => {
    const r = await run('close-then-exit', 'fixed');
    const fput = stepOf(r.trace, 'vma fput', is('fput', 'file#1', 'vma#1'));
    expect(countsAfter(r.trace, fput).f_count).toBe(0);
    const twa = stepOf(r.trace, 'task_work_add', is('task_work_add', 'process#1'));
    expect(twa).toBeGreaterThan(fput);
    const unbind = stepOf(r.trace, 'unbind', is('intel_svm_unbind_mm', 'svm'));
    expect(unbind).toBeGreaterThan(stepOf(r.trace, 'mmput returns', is('ret.mmput', 'process#1')));
    expect(r.violations).toEqual([]);
  });
});

describe('fixed munmap-close-alive: release while the process lives', () => {
  it('unregister finds the notifier hashed and calls intel_mm_release itself; the mm lives on', async () => {
    const r = await run('munmap-close-alive', 'fixed');
    const rel = r.trace.filter((e) => e.event === 'intel_mm_release');
    expect(rel.map((e) => e.args.tag)).toEqual(['unregister']);
    const unreg = stepOf(r.trace, 'unregister', is('mmu_notifier_unregister', 'mm#1'));
    expect(countsAfter(r.trace, unreg)).toMatchObject({ mm_users: 1, mm_count: 2 });
    // ->release ran inside unregister, which then drops the notifier's mm_count.
    const done = stepOf(r.trace, 'unregister returns', is('ret.mmu_notifier_unregister', 'svm'));
    expect(rel[0]!.step).toBeGreaterThan(unreg);
    expect(rel[0]!.step).toBeLessThan(done);
    expect(countsAfter(r.trace, done)).toMatchObject({ mm_users: 1, mm_count: 1 });
    expect(aliveOf(r, 'svm')).toEqual([]);
    expect(aliveOf(r, 'pasid')).toEqual([]);
    expect(aliveOf(r, 'mm').map((o) => o.id)).toEqual(['mm#1']);
    expect(r.violations).toEqual([]);
  });
});

describe('fixed fault-during-exit: the page-request thread may drop the last mm_users', () => {
  it('some schedule runs exit_mmap in prq_event_thread, and the final fput goes to delayed_fput', async () => {
    let found = false;
    for (let seed = 0; seed < 200 && !found; seed++) {
      const r = await run('fault-during-exit', 'fixed', seed);
      expect(r.violations).toEqual([]);
      const last = r.trace.find((e) => e.event === 'mmput' && e.from === 'prq' && e.state.includes('exit_mmap'));
      if (!last) continue;
      found = true;
      // The VMA's fput runs on the IRQ thread (a kthread): __fput comes from the workqueue.
      expect(r.trace.some((e) => e.event === 'fput' && e.args.ctx === 'prq')).toBe(true);
      expect(r.trace.some((e) => e.event === 'delayed_fput' && e.to === 'file#1')).toBe(true);
    }
    expect(found).toBe(true);
  });
});
