// Each ablation is `fixed` minus one fix; some schedule must show that fix's reason, and the
// report must say what happened in kernel terms.
import { describe, expect, it } from 'vitest';
import type { Violation } from '../../src/oracles/index.ts';
import { run } from './helpers.ts';

async function firstSeed(kernel: string, ok: (v: Violation) => boolean, scenario = 'exit-with-mmap', seeds = 150) {
  for (let seed = 0; seed < seeds; seed++) {
    const r = await run(scenario, kernel, seed);
    const v = r.violations.find(ok);
    if (v) return { seed, v, r };
  }
  return null;
}

describe('fixed-no-fault-pin: the fault handler races exit_mmap', () => {
  it('a fault served in the defunct mm leaks what it populated, named as such', async () => {
    const hit = await firstSeed('fixed-no-fault-pin', (v) => v.oracle === 'leak');
    expect(hit).not.toBeNull();
    expect(hit!.v.message).toMatch(/page#1\.\d+ populated at step \d+ by handle_mm_fault \(prq_event_thread\), after mm#1 went defunct at step \d+/);
  });
  it('or uses the VMA that exit_mmap freed under it', async () => {
    // The first such seed is 355 since the SRCU steps of issue 25 item 4 (22 before):
    // docs/results/issue-25-srcu.md.
    const hit = await firstSeed('fixed-no-fault-pin', (v) => v.oracle === 'use-after-free', 'exit-with-mmap', 400);
    expect(hit).not.toBeNull();
    expect(hit!.v.message).toMatch(/^BUG: KASAN: use-after-free in handle_mm_fault \(prq_event_thread\): vma#1 freed at step \d+ by exit_mmap \(process#1\)$/);
  });
  it('the same seeds are clean with the pin', async () => {
    const hit = await firstSeed('fixed-no-fault-pin', () => true);
    expect((await run('exit-with-mmap', 'fixed', hit!.seed)).violations).toEqual([]);
  });
});

describe('fixed-no-release-flush: the IOMMU keeps translating a torn-down mm', () => {
  it('DMA reaches a freed page or walks a freed page table', async () => {
    const hit = await firstSeed('fixed-no-release-flush', (v) => v.oracle === 'dma-freed');
    expect(hit).not.toBeNull();
    expect(hit!.v.message).toMatch(/^BUG: KASAN: DMA to freed memory in (dma-write|iommu-walk) by .*: (page|pt)#1\.\d+ freed at step \d+ by exit_mmap \(process#1\)$/);
    // The pre-patch release warns that devices are still bound, and flushes nothing.
    const warned = hit!.r.trace.some((e) => e.effects.some((x) => x.op === 'warn' && /intel_mm_release with devices still bound/.test(x.message)));
    expect(warned).toBe(true);
    expect(hit!.r.trace.some((e) => e.event === 'qi_submit_sync' && e.args.tag === 'notifier')).toBe(false);
  });
});
