// The "must hold": what exploration finds on each kernel variant, and that every shrunk
// counterexample replays to the same violation on both transports.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LONG_SCENARIOS } from './exhaustive-rows.ts';
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { replayScheduleFile } from '../../src/explore/replay-file.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { isFaultScenario } from '../../src/faults/scenarios.ts';

import { FAULT_IN_DEFUNCT_MM } from './patterns.ts';

const explored = (kernel: string, more: Partial<ExploreOptions> = {}) =>
  explore({ scenario: loadScenario('exit-with-mmap'), variant: variantByName(kernel), strategy: 'pct', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: false, ...more });

describe('must hold', () => {
  it.each(['random', 'pct', 'dfs'] as const)('pre-fix / exit-with-mmap: every schedule leaks (%s)', async (strategy) => {
    const r = await explored('pre-fix', { strategy, schedules: 40 });
    expect(r.schedules).toBeGreaterThan(0);
    // The stateful dfs judges the end of the runs that reach an end state first (the others are
    // cut where they meet a state explored before): every one of those leaks.
    const ended = strategy === 'dfs' ? r.dfs!.states!.complete : r.schedules;
    expect(ended).toBeGreaterThan(0);
    expect(r.violations.find((v) => v.oracle === 'leak')?.count).toBe(ended);
    expect(r.violations.find((v) => v.oracle === 'leak')?.violation.message).toMatch(/reference cycle/);
  });

  // Without the pin, prq_event_thread serves a fault while exit_mmap tears the mm down: it uses a
  // VMA or page table exit_mmap frees (use-after-free), or fills pages nobody will free (leak).
  it.each(['random', 'pct'] as const)('fixed-no-fault-pin: the fault handler races exit_mmap (%s)', async (strategy) => {
    const r = await explored('fixed-no-fault-pin', { strategy, schedules: 200 });
    expect(r.violations.length).toBeGreaterThan(0);
    for (const { violation } of r.violations) expect(violation.message).toMatch(FAULT_IN_DEFUNCT_MM);
  });

  it('fixed-no-release-flush: DMA to a freed page or through freed page tables', async () => {
    const r = await explored('fixed-no-release-flush', { schedules: 100 });
    expect(r.violations.map((v) => v.oracle)).toEqual(['dma-freed']);
    expect(r.violations[0]!.violation.message).toMatch(/KASAN: DMA to freed memory in (iommu-walk|dma-(read|write))/);
  });

  // The stateful dfs exhausts every built-in scenario on fixed (the three largest in
  // exhaustive.long.test.ts, `npm run test:long`; see docs/results/benchmarks.md).
  it.each(builtinNames().filter((s) => !isFaultScenario(s) && !LONG_SCENARIOS.includes(s)))('fixed: dfs exhausts %s with no violation', async (name) => {
    const r = await explored('fixed', { strategy: 'dfs', scenario: loadScenario(name) });
    expect(r.dfs?.exhausted).toBe(true);
    expect(r.dfs?.states?.states).toBeGreaterThan(100);
    expect(r.violations).toEqual([]);
  }, 600_000);

  // dfs --stop-on-first ends at the first violation, and the run it recorded replays to it.
  it.each([
    ['fixed-no-release-flush', 'dma-freed'],
    ['fixed-no-fault-pin', 'leak'],
  ])('%s: dfs finds %s, and its run replays to it', async (kernel, oracle) => {
    const out = mkdtempSync(join(tmpdir(), 'svmsim-must-'));
    const r = await explored(kernel, { strategy: 'dfs', stopOnFirst: true, out });
    expect(r.violations.map((v) => v.oracle)).toEqual([oracle]);
    expect(r.dfs?.exhausted).toBe(false);
    // The stateful search's run, as recorded: its choices replay through the ordinary scheduler.
    const { file, result, reproduced } = await replayScheduleFile(r.violations[0]!.file!, 'inline');
    expect(file.shrunk).toBe(false);
    expect(reproduced).toBe(true);
    expect(result.violations.find((v) => v.oracle === oracle)).toEqual(file.violation);
  }, 60_000);

  it.each([
    ['fixed-no-release-flush', 'dma-freed'],
    ['fixed-no-fault-pin', 'leak'],
    ['pre-fix', 'leak'],
  ])('%s: the shrunk %s counterexample replays to it on both transports', async (kernel, oracle) => {
    const out = mkdtempSync(join(tmpdir(), 'svmsim-must-'));
    const r = await explored(kernel, { schedules: 200, out, shrink: true, stopOnFirst: false });
    const rec = r.violations.find((v) => v.oracle === oracle)!;
    expect(rec.file).toBe(join(out, `${oracle}.json`));
    const traces: string[] = [];
    for (const transport of ['inline', 'workers']) {
      const { file, result, reproduced } = await replayScheduleFile(rec.file!, transport);
      expect(file.shrunk).toBe(true);
      expect(reproduced).toBe(true);
      expect(result.violations.find((v) => v.oracle === oracle)).toEqual(file.violation);
      traces.push(JSON.stringify(result.trace));
    }
    expect(traces[1]).toBe(traces[0]);
  }, 120_000);
});
