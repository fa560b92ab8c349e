// Exhaustive search of exit-with-mmap on `fixed`, inline (issue target: dfs exhausts it in under
// a minute). Side by side in this run:
//   states   the stateful dfs (the default): time to exhaust, states, transitions, and the
//            schedules those states stand for (counted exactly on the state graph);
//   dpor     the stateless dfs with DPOR and sleep sets, given the same time: the schedules it runs
//            and whether it got to the end.
// The ratio that matters is schedules covered per second against schedules run per second.
import type { BenchSection } from '../index.ts';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/kernel/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const base: ExploreOptions = {
  scenario: loadScenario('exit-with-mmap'),
  variant: variantByName('fixed'),
  strategy: 'dfs',
  seed: 0,
  maxSteps: DEFAULT_MAX_STEPS,
  transport: 'inline',
  reorder: false,
  shrink: false,
};

export const section: BenchSection = {
  name: 'dfs',
  async run() {
    const states = await explore({ ...base, seconds: 120 });
    const g = states.dfs!.states!;
    const dpor = await explore({ ...base, reduction: 'dpor', seconds: states.seconds });
    return {
      scenario: base.scenario.name,
      kernel: base.variant.name,
      states: {
        exhausted: g.exhausted,
        seconds: states.seconds,
        states: g.states,
        transitions: g.transitions,
        runs: states.schedules,
        schedulesCovered: g.paths,
        violations: states.violations.length,
      },
      dpor: { exhausted: dpor.dfs!.exhausted, seconds: dpor.seconds, schedules: dpor.schedules },
      coveredPerSecondOverDporPerSecond: Number((g.paths / states.seconds / (dpor.schedules / dpor.seconds)).toExponential(2)),
      exhaustedWithinAMinute: g.exhausted && states.seconds < 60,
    };
  },
};
