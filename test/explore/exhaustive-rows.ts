// Must hold: the stateful dfs exhausts every ablation on every built-in scenario and finds only
// the missing fix's bug. The rows are split over two files (two-processes, the largest, alone), so
// that vitest runs them side by side.
import { expect } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { FAULT_IN_DEFUNCT_MM } from './patterns.ts';
import { isFaultScenario } from '../../src/faults/scenarios.ts';

// Each ablation's bug, and only it; found wherever a process exits with its device bound and
// DMA racing the exit; the whole space searched.
const BUG: Record<string, { oracles: string[]; message: RegExp }> = {
  'fixed-no-release-flush': { oracles: ['dma-freed'], message: /KASAN: DMA to freed memory in (iommu-walk|dma-(read|write))/ },
  'fixed-no-fault-pin': { oracles: ['leak', 'use-after-free'], message: FAULT_IN_DEFUNCT_MM },
};
// Where a process exits (or releases) while its device is bound and DMA races it, the bug shows.
const SHOWS_BUG = ['close-then-exit', 'exit-with-mmap', 'fault-during-exit', 'graphics', 'two-processes'];
// Where only one ablation's bug shows: fork-keeps-file's child DMAs after the parent's exit_mmap,
// through the IOTLB entry intel_mm_release must flush (no fault races an exit there).
const SHOWS_BUG_ON: Record<string, string[]> = { 'fork-keeps-file': ['fixed-no-release-flush'] };

/** The three largest spaces (millions of states on some kernels): `npm run test:long`
 * (exhaustive.long.test.ts) searches them on every kernel, the suite does not, to stay within
 * its time on two cores. */
export const LONG_SCENARIOS: readonly string[] = ['exit-during-munmap', 'two-processes', 'release-during-munmap'];
export const LONG_ROWS: readonly (readonly [string, string])[] = Object.keys(BUG).flatMap((k) => LONG_SCENARIOS.map((s) => [k, s] as const));
const isLong = (s: string) => LONG_SCENARIOS.includes(s);

/** (ablation, scenario) for every non-fault built-in that `keep` accepts, but the long rows. */
export const ablationRows = (keep: (scenario: string) => boolean): (readonly [string, string])[] =>
  Object.keys(BUG).flatMap((k) => builtinNames().filter((s) => !isFaultScenario(s) && keep(s) && !isLong(s)).map((s) => [k, s] as const));

/** `fixed`: the dfs exhausts the scenario and no oracle fires. */
export async function exhaustsClean(name: string): Promise<void> {
  const r = await explore({ scenario: loadScenario(name), variant: variantByName('fixed'), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: false });
  expect(r.dfs?.exhausted).toBe(true);
  expect(r.dfs?.states?.states).toBeGreaterThan(100);
  expect(r.violations).toEqual([]);
}

export async function exhaustsWithOnlyItsBug(kernel: string, name: string): Promise<void> {
  const r = await explore({ scenario: loadScenario(name), variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: false });
  expect(r.dfs?.exhausted).toBe(true);
  if (SHOWS_BUG.includes(name) || SHOWS_BUG_ON[name]?.includes(kernel)) expect(r.violations.length).toBeGreaterThan(0);
  for (const { oracle, violation } of r.violations) {
    expect(BUG[kernel]!.oracles).toContain(oracle);
    expect(violation.message).toMatch(BUG[kernel]!.message);
  }
}
