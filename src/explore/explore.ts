// The exploration driver: run schedule after schedule of one scenario on one kernel under a search
// strategy, judge each, and keep what an engineer needs: distinct end states, each oracle's first
// hit (written as a schedule file, then shrunk and written again), statechart coverage, and for
// dfs whether the space is exhausted. One job's share of the seeds (or of the dfs tree) at a time.
import { join } from 'node:path';
import type { Variant } from '../kernel/variants.ts';
import type { OracleName, Violation } from '../oracles/types.ts';
import { ActorHost } from '../runtime/host.ts';
import { makeTransport, type TransportName } from '../runtime/transports.ts';
import type { ActorSpec, TraceEvent, Transport } from '../runtime/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { buildWorld } from '../scenario/world.ts';
import type { Reduction } from '../scheduler/dfs.ts';
import type { DfsStrategy } from '../scheduler/dfs.ts';
import type { ExploringStrategy } from '../scheduler/exploring.ts';
import { fifo } from '../scheduler/fifo.ts';
import { makeExploreStrategy, type ExploreStrategyName } from '../scheduler/index.ts';
import { DEFAULT_DEPTH } from '../scheduler/pct.ts';
import { countingPreemptions } from '../scheduler/preemption.ts';
import { random } from '../scheduler/random.ts';
import { simulate, type SimResult } from '../simulate.ts';
import { CoverageRecorder, type CoverageData } from './coverage.ts';
import { endStateHash } from './end-state.ts';
import { HistoryRecorder } from './history.ts';
import { RESULT_FORMAT, type ExploreResult, type ViolationRecord } from './result.ts';
import { scheduleOnce } from './schedule.ts';
import { SCHEDULE_FORMAT, writeScheduleFile } from './schedule-file.ts';
import { shrink } from './shrink.ts';
import { statefulSearch, type Leaf, type StatefulStats } from './stateful.ts';
import { judge } from '../oracles/index.ts';

/** What a schedule file says before its choices: the run it belongs to. */
type ScheduleHead = Omit<Parameters<typeof writeScheduleFile>[1], 'choices' | 'violation' | 'shrunk' | 'deliveries' | 'preemptions' | 'original'>;

export interface ExploreOptions {
  scenario: Scenario;
  variant: Variant;
  strategy: ExploreStrategyName;
  /** Schedules in all (over every shard and job); unset: until `seconds`, or dfs's end. */
  schedules?: number;
  seconds?: number;
  seed: number;
  depth?: number;
  preemptionBound?: number;
  reduction?: Reduction;
  maxSteps: number;
  transport: TransportName;
  /** An open transport to use (and leave open) instead of making one; coverage then replays
   * each run on an inline host. */
  open?: Transport;
  reorder: boolean;
  stopOnFirst?: boolean;
  /** Where schedule files go (none written without it). */
  out?: string;
  shrink?: boolean;
  /** This job's share: shard k of n (k from 1), job j of `jobs` (j from 0). */
  shard?: { k: number; n: number };
  job?: { j: number; jobs: number };
  /** The stateful search's visited set, shared with the other jobs of this process (visited.ts):
   * the result's dfs.states then holds this job's state graph, for the caller to merge. */
  visited?: SharedArrayBuffer;
  /** Ctrl-C, or another job's --stop-on-first. */
  stop?: () => boolean;
  /** --stop-on-first: tell the other jobs. */
  halt?: () => void;
  /** With several jobs: whether this one writes the counterexample for an oracle (first come). */
  claim?: (oracle: OracleName) => boolean;
  onProgress?: (p: ProgressTick) => void;
}

/** What changed since the last tick (ticks come at most every 200 ms). */
export interface ProgressTick {
  schedules: number;
  endStates: string[];
  oracles: OracleName[];
  coverage: CoverageData;
}

export const DEFAULT_SCHEDULES = 1000;
const TICK_MS = 200;

/** The deliveries of a trace, handed again to an inline host that feeds xstate's inspection
 * events to `inspect`: coverage for transports that keep their actors elsewhere. */
function redeliver(specs: ActorSpec[], trace: TraceEvent[], host: ActorHost): void {
  host.start(specs);
  for (const ev of trace) if (ev.seq >= 0) host.deliver(ev.to, { type: ev.event, ...ev.args }, ev.from);
}

export async function explore(o: ExploreOptions): Promise<ExploreResult> {
  const t0 = performance.now();
  const world = buildWorld(o.scenario, o.variant);
  const kinds = new Map(world.specs.map((s) => [s.id, s.kind]));
  const history = new HistoryRecorder(t0);
  const coverage = new CoverageRecorder({}, { clock: history.clock });
  const inspect = coverage.inspector((id) => kinds.get(id));
  const inline = o.transport === 'inline' && !o.open;
  // dfs defaults to the stateful search; a preemption bound needs the stateless one (sleep sets).
  const reduction = reductionOf(o);
  const stateful = reduction === 'states';
  const transport = o.open ?? (await makeTransport(o.transport, { inspect: inline ? inspect : undefined }));
  const covHost = inline ? null : new ActorHost({ inspect });
  const shard = o.shard ?? { k: 1, n: 1 };
  const job = o.job ?? { j: 0, jobs: 1 };
  const owners = shard.n * job.jobs;
  const owner = (shard.k - 1) * job.jobs + job.j;
  const deadline = o.seconds === undefined ? Infinity : t0 + o.seconds * 1000;
  let halted = false;
  const stopped = () => halted || !!o.stop?.() || performance.now() >= deadline;

  const runSim = (strategy: ExploringStrategy, seed = 0): Promise<SimResult> =>
    simulate({ scenario: o.scenario, variant: o.variant, strategy, transport, seed, maxSteps: o.maxSteps, reorder: o.reorder, keepOpen: true, onStep: (ev) => strategy.observe?.(ev) });

  // pct places its change points within the length of a run: take fifo's.
  const steps = o.strategy === 'pct' ? (await runSim(fifo())).steps : undefined;
  const split = owners > 1 ? { owner, owners, level: Math.ceil(Math.log2(owners * 8)) } : undefined;
  // The stateful search is a driver, not a Strategy: its runs count their own preemptions.
  const inner = stateful ? random() : makeExploreStrategy(o.strategy, { depth: o.depth, steps, preemptionBound: o.preemptionBound, reduction, reorder: o.reorder, split });
  const strategy = countingPreemptions(inner);

  const endStates = new Set<string>();
  const found = new Map<OracleName, ViolationRecord>();
  let schedules = 0;
  let pruned = 0;
  let tick = { at: performance.now(), schedules: 0, endStates: [] as string[], oracles: [] as OracleName[] };
  const report = (force = false) => {
    if (!o.onProgress || (!force && performance.now() - tick.at < TICK_MS)) return;
    o.onProgress({ schedules: schedules - tick.schedules, endStates: tick.endStates, oracles: tick.oracles, coverage: coverage.data() });
    tick = { at: performance.now(), schedules, endStates: [], oracles: [] };
  };

  // Inline runs resolve as microtasks only: give the event loop a turn now and then, or Ctrl-C
  // (a signal handler) and the progress bar would wait for the end.
  let yielded = performance.now();
  const breathe = async () => {
    if (performance.now() - yielded < 50) return;
    await new Promise((ok) => setImmediate(ok));
    yielded = performance.now();
  };

  /** Shrinks waiting for the transport: a stateful search holds it until it ends. */
  const later: (() => Promise<void>)[] = [];
  async function counterexample(rec: ViolationRecord, r: SimResult, preemptions: number): Promise<void> {
    if (!o.out || !(o.claim?.(rec.oracle) ?? true)) return;
    const file = join(o.out, `${rec.oracle}.json`);
    const base = {
      format: SCHEDULE_FORMAT,
      kernel: o.variant.name,
      scenario: o.scenario,
      strategy: o.strategy,
      seed: rec.seed,
      schedule: rec.schedule,
      transport: o.transport,
      reorder: o.reorder,
      maxSteps: o.maxSteps,
    } as const;
    writeScheduleFile(file, { ...base, choices: r.choices, violation: rec.violation, shrunk: false, deliveries: r.steps, preemptions });
    Object.assign(rec, { file, deliveries: r.steps, preemptions });
    if (o.shrink === false) return;
    if (stateful && !searched) {
      later.push(() => shrinkInto(file, base, rec, r, preemptions));
      return;
    }
    await shrinkInto(file, base, rec, r, preemptions);
  }

  /** Shrink a counterexample written as found, and write it again over `file`. */
  async function shrinkInto(file: string, base: ScheduleHead, rec: ViolationRecord, r: SimResult, preemptions: number): Promise<void> {
    const s = await shrink({ choices: r.choices, oracle: rec.oracle, run: async (st) => (await breathe(), runSim(st)), stop: o.stop });
    if (!s) return;
    const { best } = s;
    const original = { deliveries: r.steps, preemptions };
    writeScheduleFile(file, { ...base, choices: best.choices, violation: best.violation, shrunk: true, deliveries: best.deliveries, preemptions: best.preemptions, original });
    Object.assign(rec, { deliveries: best.deliveries, preemptions: best.preemptions, original });
  }

  async function judged(r: SimResult, schedule: number, seed: number, ended = true, preemptions = strategy.preemptions): Promise<void> {
    schedules++;
    if (covHost && !stateful) redeliver(world.specs, r.trace, covHost);
    const h = ended ? endStateHash(r.views, r.objects.all()) : null;
    if (h !== null && !endStates.has(h)) {
      endStates.add(h);
      tick.endStates.push(h);
    }
    history.schedule(schedules, h, () => r.views, () => r.objects.all());
    const firsts = new Map<OracleName, Violation>();
    for (const v of r.violations) if (!firsts.has(v.oracle)) firsts.set(v.oracle, v);
    for (const v of firsts.values()) {
      const had = found.get(v.oracle);
      if (had) {
        had.count++;
        continue;
      }
      const rec: ViolationRecord = { oracle: v.oracle, count: 1, schedule, seed, violation: v };
      found.set(v.oracle, rec);
      tick.oracles.push(v.oracle);
      await counterexample(rec, r, preemptions);
    }
    if (o.stopOnFirst && found.size) {
      halted = true;
      o.halt?.();
    }
    report();
    await breathe();
  }

  let exhausted = false;
  let searched = false;
  let states: StatefulStats | undefined;
  try {
    if (stateful) {
      const onLeaf = async (leaf: Leaf) => {
        const views = leaf.views ?? [];
        const verdict = judge({ trace: leaf.trace, views, quiescent: leaf.quiescent, cut: leaf.cut }, o.maxSteps);
        await judged({ ...leaf, views, ...verdict, world, seed: 0 }, schedules, 0, !leaf.cut, leaf.preemptions);
      };
      const limit = o.schedules === undefined ? undefined : Math.ceil(o.schedules / owners);
      const target = covHost ? mirrored(transport, covHost) : transport;
      states = await statefulSearch({ specs: world.specs, transport: target, maxSteps: o.maxSteps, reorder: o.reorder, split, shared: o.visited ? { table: o.visited } : undefined, limit, stop: stopped, onLeaf });
      exhausted = states.exhausted;
      searched = true;
      for (const shrinkOne of later) await shrinkOne();
    } else if (o.strategy === 'dfs') {
      const limit = o.schedules === undefined ? Infinity : Math.ceil(o.schedules / owners);
      while (!stopped() && schedules < limit) {
        const { result, more } = await scheduleOnce(strategy, () => runSim(strategy));
        if (result && (inner as DfsStrategy).mine) await judged(result, schedules, 0);
        else {
          pruned++;
          await breathe();
        }
        if (!more) {
          exhausted = true;
          break;
        }
      }
    } else {
      const total = o.schedules ?? (o.seconds === undefined ? DEFAULT_SCHEDULES : Infinity);
      for (let i = owner; i < total && !stopped(); i += owners) {
        // Strategies spread their own seeds (mixSeed): schedule i runs seed X+i.
        const seed = o.seed + i;
        const r = await runSim(strategy, seed);
        await judged(r, i, seed);
      }
    }
    report(true);
    const seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
    const interrupted = !!o.stop?.() && !exhausted;
    let dfs: ExploreResult['dfs'];
    if (states) {
      // No estimate needed: the state graph counts its schedules exactly (states.paths).
      dfs = { schedules: states.complete, blocked: 0, foreign: states.foreign, asleep: 0, unraced: 0, overBound: 0, exhausted, reduction: 'states', states };
    } else if (o.strategy === 'dfs') {
      dfs = { ...(inner as DfsStrategy).stats, exhausted, reduction: (inner as DfsStrategy).reduction };
      if (!interrupted) dfs.estimate = await unreducedEstimate(runSim);
    }
    return {
      format: RESULT_FORMAT,
      kernel: o.variant.name,
      scenario: o.scenario.name,
      strategy: o.strategy,
      transport: o.transport,
      seed: o.seed,
      ...(o.strategy === 'pct' ? { depth: o.depth ?? DEFAULT_DEPTH } : {}),
      ...(o.preemptionBound !== undefined ? { preemptionBound: o.preemptionBound } : {}),
      reorder: o.reorder,
      maxSteps: o.maxSteps,
      shards: [`${shard.k}/${shard.n}`],
      jobs: 1,
      schedules,
      pruned,
      seconds,
      interrupted,
      endStates: [...endStates].sort(),
      violations: [...found.values()].sort((a, b) => a.schedule - b.schedule),
      coverage: coverage.data(),
      coverageCounts: coverage.counts(),
      history: history.result(schedules, coverage.firstSeen()),
      ...(dfs ? { dfs } : {}),
    };
  } finally {
    covHost?.stop();
    if (!o.open) await transport.close();
  }
}

/** A stateful search on another thread, with every delivery and undo done again on an inline host
 * whose inspection events give the coverage (each transition runs once: no run is replayed). */
function mirrored(t: Transport, host: ActorHost): Transport {
  return {
    ...t,
    start: async (specs) => {
      host.start(specs);
      return t.start(specs);
    },
    deliver: async (msg) => {
      const d = await t.deliver(msg);
      host.deliver(msg.to, msg.event, msg.from);
      return d;
    },
    journal: async (on) => {
      host.setJournal(on);
      await t.journal!(on);
    },
    undo: async (receivers) => {
      host.undo(receivers.length);
      await t.undo!(receivers);
    },
  };
}

/** The dfs reduction a run uses: the stateful search unless told otherwise or bounded (a bound
 * needs the stateless search); none for random and pct. */
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
