// Must hold: the stateful dfs exhausts every ablation on every built-in scenario and finds only
// the missing fix's bug (its own file: the largest spaces, so that vitest runs it beside the rest).
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/kernel/variants.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { FAULT_IN_DEFUNCT_MM } from './patterns.ts';
import { isFaultScenario } from '../../src/faults/scenarios.ts';

const explored = (kernel: string, more: Partial<ExploreOptions> = {}) =>
  explore({ scenario: loadScenario('exit-with-mmap'), variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: false, ...more });

describe('must hold: every ablation, exhaustively', () => {
  // Each ablation's bug, and only it; found wherever a process exits with its device bound and
  // DMA racing the exit; the whole space searched.
  const BUG: Record<string, { oracles: string[]; message: RegExp }> = {
    'fixed-no-release-flush': { oracles: ['dma-freed'], message: /KASAN: DMA to freed memory in (iommu-walk|dma-(read|write))/ },
    'fixed-no-fault-pin': { oracles: ['leak', 'use-after-free'], message: FAULT_IN_DEFUNCT_MM },
  };
  // Where a process exits (or releases) while its device is bound and DMA races it, the bug shows.
  const SHOWS_BUG = ['close-then-exit', 'exit-with-mmap', 'fault-during-exit', 'graphics', 'two-processes'];
  // 8.9 million states, 214 CPU seconds: measured by hand (README), kept out of CI's time.
  const TOO_BIG = ['fixed-no-fault-pin exit-during-munmap'];
  it.each(Object.keys(BUG).flatMap((k) => builtinNames().filter((s) => !isFaultScenario(s) && !TOO_BIG.includes(`${k} ${s}`)).map((s) => [k, s] as const)))('%s: dfs exhausts %s and finds only the missing fix\'s bug', async (kernel, name) => {
    const r = await explored(kernel, { strategy: 'dfs', scenario: loadScenario(name) });
    expect(r.dfs?.exhausted).toBe(true);
    if (SHOWS_BUG.includes(name)) expect(r.violations.length).toBeGreaterThan(0);
    for (const { oracle, violation } of r.violations) {
      expect(BUG[kernel]!.oracles).toContain(oracle);
      expect(violation.message).toMatch(BUG[kernel]!.message);
    }
  }, 900_000);

});
