// The exploration driver: run schedule after schedule of one scenario on one kernel under a search
// strategy, judge each, and keep what an engineer needs: distinct end states, each oracle's first
// hit (written as a schedule file, then shrunk and written again), statechart coverage, and for
// dfs whether the space is exhausted. One job's share of the seeds (or of the dfs tree) at a time:
// an Explorer (explorer.ts) with one search loop (loops.ts) on the engine (src/engine).
import { breaksContracts } from '../faults/scenarios.ts';
import { workerFaultsOf } from '../scenario/world-faults.ts';
import { BadInput, type Variant } from '../variants/variants.ts';
import type { OracleName } from '../oracles/types.ts';
import type { TransportName } from '../engine/transports.ts';
import type { Transport } from '../runtime/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { isStateful, type DfsStrategy, type Reduction } from '../scheduler/dfs.ts';
import type { ExploringStrategy } from '../scheduler/exploring.ts';
import { fifo } from '../scheduler/fifo.ts';
import { DEFAULT_DELAYS, makeExploreStrategy, NEEDS_STEPS, type ExploreStrategyName } from '../scheduler/index.ts';
import { isComposite } from '../scheduler/member.ts';
import { DEFAULT_DEPTH } from '../scheduler/pct.ts';
import { countingPreemptions } from '../scheduler/preemption.ts';
import { random } from '../scheduler/random.ts';
import { prefixed } from '../scheduler/replay.ts';
import type { SimResult } from '../simulate.ts';
import type { CoverageData } from './coverage.ts';
import { Explorer } from './explorer.ts';
import { dfsLoop, seedLoop, statefulLoop, type Share } from './loops.ts';
import { RESULT_FORMAT, type ExploreResult } from './result.ts';
import type { Split } from './stateful.ts';
import type { StateStore } from './visited.ts';
import type { ExploreOptions, ProgressTick } from './options.ts';

export type { ExploreOptions, ProgressTick } from './options.ts';



export { DEFAULT_SCHEDULES } from './loops.ts';

/** Refuse a search that cannot run (the CLI calls it before it claims --out: F14 of issue 29). */
export function checkSearch(o: Pick<ExploreOptions, 'scenario' | 'strategy' | 'prefix'>): void {
  if (o.prefix?.length && o.strategy === 'dfs') throw new BadInput('explore from a prefix needs a seeded strategy (random, pct, delay, probabilistic, portfolio, guided): dfs walks the schedules from the start');
  const worker = workerFaultsOf(o.scenario);
  if (worker.length && o.strategy === 'dfs') throw new BadInput(`--faults ${worker.join(',')}: a worker fault ends its run, so it needs a strategy that runs schedules from the start: random or pct`);
}

export async function explore(o: ExploreOptions): Promise<ExploreResult> {
  checkSearch(o);
  const ex = new Explorer(o);
  await ex.open();
  try {
    const reduction = reductionOf(o);
    const shard = o.shard ?? { k: 1, n: 1 };
    const job = o.job ?? { j: 0, jobs: 1 };
    const owners = shard.n * job.jobs;
    const owner = (shard.k - 1) * job.jobs + job.j;
    const split = o.split ?? (owners > 1 ? { owner, owners, level: Math.ceil(Math.log2(owners * 8)) } : undefined);
    const share: Share = { owner, owners, split };
    let exhausted = false;
    let dfs: ExploreResult['dfs'];
    if (isStateful(reduction)) {
      const states = await statefulLoop(ex, share, reduction === 'por');
      exhausted = states.exhausted;
      // No estimate needed: the state graph counts its schedules exactly (states.paths).
      dfs = { schedules: states.complete, blocked: 0, foreign: states.foreign, asleep: 0, unraced: 0, overBound: 0, exhausted, reduction: reduction!, states };
    } else {
      // pct (and delay, and the portfolio's members) place their change points within the length
      // of a run: take fifo's.
      const prefix = o.prefix ?? [];
      const steps = NEEDS_STEPS.includes(o.strategy) ? Math.max(1, (await ex.runSim(prefixed(prefix, fifo()))).steps - prefix.length) : undefined;
      const made: ExploringStrategy = makeExploreStrategy(o.strategy, { depth: o.depth, delays: o.delays, seed: o.seed, steps, faults: breaksContracts(o.scenario), preemptionBound: o.preemptionBound, reduction, reorder: o.reorder, split });
      // Which member of a portfolio (or guided search) made a schedule, and how.
      if (isComposite(made)) ex.memberOf = () => made.member();
      const inner = prefix.length ? prefixed(prefix, made) : made;
      const strategy = countingPreemptions(inner);
      if (o.strategy === 'dfs') {
        const d = inner as DfsStrategy;
        exhausted = await dfsLoop(ex, strategy as typeof strategy & DfsStrategy, share);
        dfs = { ...d.stats, exhausted, reduction: d.reduction };
        if (!(o.stop?.() && !exhausted)) dfs.estimate = await unreducedEstimate((s, seed) => ex.runSim(s, seed));
      } else await seedLoop(ex, strategy, share);
    }
    ex.report(true);
    return resultOf(ex, exhausted, shard, dfs);
  } finally {
    await ex.close();
  }
}

/** The result document of one job's share. */
function resultOf(ex: Explorer, exhausted: boolean, shard: { k: number; n: number }, dfs: ExploreResult['dfs']): ExploreResult {
  const o = ex.o;
  return {
    format: RESULT_FORMAT,
    kernel: o.variant.name,
    scenario: o.scenario.name,
    strategy: o.strategy,
    transport: o.transport,
    seed: o.seed,
    ...(o.strategy === 'pct' ? { depth: o.depth ?? DEFAULT_DEPTH } : {}),
    ...(o.strategy === 'delay' ? { delays: o.delays ?? DEFAULT_DELAYS } : {}),
    ...(o.preemptionBound !== undefined ? { preemptionBound: o.preemptionBound } : {}),
    reorder: o.reorder,
    maxSteps: o.maxSteps,
    shards: [`${shard.k}/${shard.n}`],
    jobs: 1,
    schedules: ex.schedules,
    pruned: ex.pruned,
    seconds: Number(((performance.now() - ex.t0) / 1000).toFixed(2)),
    interrupted: !!o.stop?.() && !exhausted,
    ...(Object.keys(ex.workerFaults).length ? { workerFaults: ex.workerFaults } : {}),
    endStates: [...ex.endStates].sort(),
    violations: [...ex.found.values()].sort((a, b) => a.schedule - b.schedule),
    coverage: ex.coverage.data(),
    coverageCounts: ex.coverage.counts(),
    history: ex.history.result(ex.schedules, ex.coverage.firstSeen()),
    ...(dfs ? { dfs } : {}),
  };
}

/** The dfs reduction a run uses: the stateful search unless told otherwise or bounded (a bound
 * needs the stateless search); none for random and pct. (The partial-order reduction, `por`, is
 * asked for: on the built-in worlds it keeps most states and costs its learning passes; see
 * docs/guide/reductions.md.) */
export const reductionOf = (o: Pick<ExploreOptions, 'strategy' | 'reduction' | 'preemptionBound'>): Reduction | undefined =>
  o.strategy !== 'dfs' ? undefined : (o.reduction ?? (o.preemptionBound === undefined ? 'states' : 'sleep'));

/** How many interleavings there are without any reduction: Knuth's estimator (the product of the
 * branching along a uniformly random path is an unbiased estimate of the number of leaves). */
async function unreducedEstimate(runSim: (s: ExploringStrategy, seed: number) => Promise<SimResult>, probes = 16): Promise<number> {
  let total = 0;
  for (let seed = 0; seed < probes; seed++) {
    const r = await runSim(random(), seed);
    total += r.choices.reduce((p, c) => p * c.of, 1);
  }
  return total / probes;
}
