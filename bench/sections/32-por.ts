// The partial-order reduction (issue 27, item 1): the stateful dfs with `--reduction por` against
// the full stateful search (`--reduction states`), side by side in this run, inline, on `fixed`:
// two-processes (the target: states and seconds with POR at most 1/5 of the full search's),
// and two-devices on every kernel variant (a mid-sized built-in: the largest ones,
// exit-during-munmap and fault-timeout-reuse at 2.7 million states, take many minutes under POR's
// learning passes; docs/results/issue-27.md). Ratios are POR over the full search.
import type { BenchSection } from '../index.ts';
import { explore } from '../../src/explore/explore.ts';
import type { Reduction } from '../../src/scheduler/dfs.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { SEED_VARIANTS as VARIANTS, variantByName } from '../../src/variants/variants.ts';

const once = async (scenario: string, kernel: string, reduction: Reduction) => {
  const r = await explore({ scenario: loadScenario(scenario), variant: variantByName(kernel), strategy: 'dfs', reduction, seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: false });
  const s = r.dfs!.states!;
  return { exhausted: s.exhausted, states: s.states, transitions: s.transitions, seconds: r.seconds, oracles: r.violations.map((v) => v.oracle).sort(), ...(s.por ? { por: s.por } : {}) };
};

const side = async (scenario: string, kernel: string) => {
  const full = await once(scenario, kernel, 'states');
  const por = await once(scenario, kernel, 'por');
  return {
    scenario,
    kernel,
    full,
    por,
    statesRatio: Number((por.states / full.states).toFixed(3)),
    secondsRatio: Number((por.seconds / full.seconds).toFixed(2)),
    sameVerdict: JSON.stringify(por.oracles) === JSON.stringify(full.oracles) && por.exhausted === full.exhausted,
  };
};

export const section: BenchSection = {
  name: 'por',
  async run() {
    const twoProcesses = await side('two-processes', 'fixed');
    const byVariant = [];
    for (const v of VARIANTS) byVariant.push(await side('two-devices', v.name));
    return {
      twoProcesses,
      target: 'states and seconds with POR at most 1/5 of --reduction states',
      met: twoProcesses.statesRatio <= 0.2 && twoProcesses.secondsRatio <= 0.2,
      byVariant,
    };
  },
};
