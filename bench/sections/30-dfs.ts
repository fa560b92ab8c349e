// Exhaustive search of exit-with-mmap on `fixed`, inline (issue target: dfs exhausts it in under
// a minute). Side by side in this run:
//   states   the stateful dfs (the default): time to exhaust, states, transitions, and the
//            schedules those states stand for (counted exactly on the state graph);
//   dpor     the stateless dfs with DPOR and sleep sets, given the same time: the schedules it runs
//            and whether it got to the end;
//   jobs     the stateful dfs with --jobs 2 (one shared visited set) against one job, alternating,
//            three rounds each: the search's own seconds (the pool's start-up is not the search's).
// The ratios that matter: schedules covered per second against schedules run per second, and one
// job's seconds over two jobs'.
import type { BenchSection } from '../index.ts';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { exploreJobs } from '../../src/explore/parallel.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const ROUNDS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

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
    const secs: Record<1 | 2, number[]> = { 1: [], 2: [] };
    let shared = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (const jobs of r % 2 ? ([2, 1] as const) : ([1, 2] as const)) {
        const x = await exploreJobs({ ...base, seconds: 120, jobs, interrupted: () => false });
        if (!x.dfs?.exhausted) throw new Error(`dfs --jobs ${jobs} did not exhaust ${base.scenario.name}`);
        secs[jobs].push(x.seconds);
        if (jobs === 2) shared = x.dfs.states!.states;
      }
    }
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
      jobs: {
        oneJobSeconds: median(secs[1]),
        twoJobsSeconds: median(secs[2]),
        twoJobsStates: shared,
        oneOverTwo: Number((median(secs[1]) / median(secs[2])).toFixed(2)),
        pairRatios: secs[1].map((s1, i) => Number((s1 / secs[2][i]!).toFixed(2))),
      },
    };
  },
};
