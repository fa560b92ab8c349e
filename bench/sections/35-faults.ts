// The stateful dfs of exit-with-mmap on `fixed` with each fault allowed, one at a time (every
// device, budget 1), against no fault, in this one run: states, transitions, seconds, what fired,
// and each fault's states and seconds as a ratio to the run without faults.
import type { BenchSection } from '../index.ts';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { FAULT_KINDS, FAULT_NAMES } from '../../src/scenario/fault-kinds.ts';
import { withFaults } from '../../src/faults/override.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const scenario = loadScenario('exit-with-mmap');
const base: ExploreOptions = {
  scenario,
  variant: variantByName('fixed'),
  strategy: 'dfs',
  seed: 0,
  maxSteps: DEFAULT_MAX_STEPS,
  transport: 'inline',
  reorder: false,
  shrink: false,
  seconds: 300,
};
// Only the faults of the model (a worker fault would be one of the transport).
const MODEL_FAULTS = FAULT_NAMES.filter((k) => !(FAULT_KINDS[k].scopes as readonly string[]).includes('run'));

export const section: BenchSection = {
  name: 'faults',
  async run() {
    const rows: Record<string, unknown>[] = [];
    let none = { states: 0, seconds: 0 };
    for (const faults of ['none', ...MODEL_FAULTS]) {
      const r = await explore({ ...base, scenario: withFaults(scenario, faults) });
      const g = r.dfs!.states!;
      if (faults === 'none') none = { states: g.states, seconds: r.seconds };
      rows.push({
        faults,
        exhausted: g.exhausted,
        states: g.states,
        transitions: g.transitions,
        seconds: r.seconds,
        statesOverNone: Number((g.states / none.states).toFixed(2)),
        secondsOverNone: Number((r.seconds / none.seconds).toFixed(2)),
        violations: r.violations.map((v) => v.oracle),
      });
    }
    return { scenario: scenario.name, kernel: base.variant.name, rows };
  },
};
