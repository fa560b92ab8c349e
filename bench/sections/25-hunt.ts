// The hunt: for each bug the bench hunts (each ablation's, in exit-with-mmap and in
// fault-during-exit), the schedules and seconds to its first hit, side by side
// in this one run, for every strategy `explore` has and, as the peer baseline, fast-check's own
// scheduler (`fc.scheduler`) delivering the same actors' messages (its task selector picks which
// channel goes next). Issue 13's target, on every row: the default strategy's median is at most
// fast-check's and at most 1.5× the best single strategy's (random, pct, delay, dfs).
//
// SEEDS seeds per cell; a hunt gives up after CAP schedules (a median above CAP is `>CAP`, and a
// mean counts a miss as CAP: a lower bound, marked `≥`). One schedule is one run from start to
// verdict for every hunter (one fc property run, one simulate), each strategy seeing its runs as
// `explore` shows them (observe, endRun), with k, the fifo run's length, where it takes one. dfs
// has no seed: the stateful search is one deterministic run per kernel, through `explore` (its
// seconds include explore's coverage and end-state bookkeeping). The hunters take turns seed by
// seed, in a rotating order, after one untimed hunt each (JIT warm-up), so that a slow spell of the
// shared machine falls on all of them alike. Then, per strategy, the share of RATE_SCHEDULES
// schedules that hit each bug: the rate the medians sample (for guided, also among its mutants).
import fc from 'fast-check';
import type { BenchSection } from '../index.ts';
import { explore } from '../../src/explore/explore.ts';
import { variantByName, type Variant } from '../../src/variants/variants.ts';
import { judge } from '../../src/oracles/index.ts';
import type { OracleName } from '../../src/oracles/types.ts';
import { boot, DEFAULT_MAX_STEPS, traceEvent } from '../../src/runtime/run.ts';
import { makeTransport } from '../../src/engine/transports.ts';
import { channelOf, type Delivery, type Message, type TraceEvent, type Transport } from '../../src/runtime/types.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { DEFAULT_EXPLORE_STRATEGY, makeExploreStrategy } from '../../src/scheduler/index.ts';
import { isComposite } from '../../src/scheduler/member.ts';
import { simulate } from '../../src/simulate.ts';
import { breaksContracts, FAULT_FINDINGS } from '../../src/faults/scenarios.ts';

/** exit-with-mmap is the hunt the issues name; fault-during-exit hunts the same two bugs where the
 * fault comes while the process exits, which is where a walk stops finding the missing flush. The
 * fault scenarios' findings are hunted on `fixed` (fault-retry-forever's livelock is left out: a
 * lasso needs the stateful search, no single run shows it). */
const ABLATED = ['exit-with-mmap', 'fault-during-exit'];
const SEEDS = Number(process.env.HUNT_SEEDS ?? 90);
const CAP = 100;
/** Schedules per strategy for the share of schedules that hit each bug (what the medians sample). */
const RATE_SCHEDULES = Number(process.env.RATE_SCHEDULES ?? 200);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** What counts as finding an ablation's bug: the missing flush lets the device reach freed memory;
 * the missing pin lets prq_event_thread serve a fault in a defunct mm, touching what exit_mmap
 * freed (use-after-free) or filling pages nobody frees (leak). */
const TARGETS: { scenarios: string[]; kernel: string; bug: string; oracles: OracleName[] }[] = [
  { scenarios: ABLATED, kernel: 'fixed-no-release-flush', bug: 'dma-freed', oracles: ['dma-freed'] },
  { scenarios: ABLATED, kernel: 'fixed-no-fault-pin', bug: 'fault in a defunct mm (use-after-free or leak)', oracles: ['use-after-free', 'leak'] },
  { scenarios: ['fault-timeout-reuse'], kernel: 'fixed', bug: 'a reused PASID serves a stale request (isolation)', oracles: FAULT_FINDINGS['fault-timeout-reuse']! },
  { scenarios: ['fault-stop-slow'], kernel: 'fixed', bug: 'unbind after a slow dma_stop (use-after-free)', oracles: FAULT_FINDINGS['fault-stop-slow']! },
  { scenarios: ['fault-response-lost'], kernel: 'fixed', bug: 'a lost page response hangs release (stuck)', oracles: FAULT_FINDINGS['fault-response-lost']! },
  { scenarios: ['fault-refused-dma'], kernel: 'fixed', bug: 'a PASID never bound disables PRI (isolation)', oracles: FAULT_FINDINGS['fault-refused-dma']! },
];
/** Every (scenario, kernel) pair a target names, in order. */
const CASES = [...new Map(TARGETS.flatMap((t) => t.scenarios.map((sc) => [`${sc}|${t.kernel}`, { scenario: sc, kernel: t.kernel }] as const))).values()];
const targetsOf = (scenario: string, kernel: string) => TARGETS.filter((t) => t.kernel === kernel && t.scenarios.includes(scenario));

const SEEDED = ['random', 'pct', 'delay', 'probabilistic', 'portfolio', 'guided'] as const;
const HUNTERS = [...SEEDED, 'fast-check'] as const;
type Hunter = (typeof HUNTERS)[number];
const SINGLE = ['random', 'pct', 'delay', 'probabilistic', 'dfs'] as const;

/** One schedule with fast-check's scheduler choosing: each channel's head is a scheduled task,
 * and the one fast-check releases is delivered (the same FIFO-per-channel model as run.ts). */
async function fcSchedule(s: fc.Scheduler, transport: Transport, scenario: Scenario, variant: Variant) {
  const queues = new Map<string, Message[]>();
  const offered = new Set<string>();
  const trace: TraceEvent[] = [];
  let seq = 0;
  const post = (from: string, d: Delivery, cause: number | null) => {
    for (const x of d.sends) {
      const m: Message = { seq: seq++, cause, from, to: x.to, event: x.event };
      const ch = channelOf(m);
      if (!queues.has(ch)) queues.set(ch, []);
      queues.get(ch)!.push(m);
    }
  };
  await boot(transport, buildWorld(scenario, variant).specs, trace, post);
  let released: string | null = null;
  let steps = 0;
  for (; steps < DEFAULT_MAX_STEPS; steps++) {
    for (const [ch, q] of queues) {
      if (!q.length || offered.has(ch)) continue;
      offered.add(ch);
      void s.schedule(Promise.resolve(ch)).then((c) => (released = c));
    }
    if (!offered.size) break;
    await s.waitOne();
    const ch = released!;
    offered.delete(ch);
    const msg = queues.get(ch)!.shift()!;
    const d = await transport.deliver(msg);
    const step = trace.length;
    trace.push(traceEvent(msg, d, step));
    post(msg.to, d, step);
  }
  const quiescent = [...queues.values()].every((q) => !q.length);
  return judge({ trace, views: await transport.views(), quiescent }, DEFAULT_MAX_STEPS).violations;
}

interface Hit {
  bug: string;
  schedules: number;
  seconds: number;
}

/** Counts schedules until every target of the kernel is hit; `note` says whether to stop. */
function tally(scenario: string, kernel: string) {
  const targets = targetsOf(scenario, kernel);
  const hit = new Map<string, { schedules: number; seconds: number }>();
  const t0 = performance.now();
  let n = 0;
  return {
    note(oracles: Set<string>): boolean {
      n++;
      for (const t of targets) if (!hit.has(t.bug) && t.oracles.some((o) => oracles.has(o))) hit.set(t.bug, { schedules: n, seconds: (performance.now() - t0) / 1000 });
      return hit.size === targets.length;
    },
    done: () => ({ schedules: n, seconds: (performance.now() - t0) / 1000, hits: targets.map((t): Hit => ({ bug: t.bug, ...(hit.get(t.bug) ?? { schedules: Infinity, seconds: (performance.now() - t0) / 1000 }) })) }),
  };
}

/** Schedules and seconds to each target's first hit, for one kernel, one hunter, one seed. */
async function hunt(hunter: Hunter, scenario: Scenario, kernel: string, seed: number, transport: Transport, steps: number) {
  const variant = variantByName(kernel);
  const t = tally(scenario.name, kernel);
  if (hunter === 'fast-check') {
    await fc.check(
      fc.asyncProperty(fc.scheduler(), async (s) => !t.note(new Set((await fcSchedule(s, transport, scenario, variant)).map((v) => v.oracle)))),
      { seed, numRuns: CAP, endOnFailure: true },
    );
    return t.done();
  }
  const first = seed * 1_000_003;
  const strategy = makeExploreStrategy(hunter, { steps, seed: first, faults: breaksContracts(scenario) });
  for (let i = 0; i < CAP; i++) {
    const r = await simulate({ scenario, variant, strategy, transport, seed: first + i, keepOpen: true, onStep: (ev) => strategy.observe?.(ev) });
    strategy.endRun?.();
    if (t.note(new Set(r.violations.map((v) => v.oracle)))) break;
  }
  return t.done();
}

/** dfs (stateful, the default reduction): the schedule numbers of each target's first hit within
 * CAP, then the time of a search stopped right there. */
async function huntDfs(scenario: Scenario, kernel: string): Promise<Hit[]> {
  const base = { scenario, variant: variantByName(kernel), strategy: 'dfs' as const, seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline' as const, reorder: false, shrink: false };
  const all = await explore({ ...base, schedules: CAP });
  const hits: Hit[] = [];
  for (const t of targetsOf(scenario.name, kernel)) {
    const first = Math.min(...all.violations.filter((v) => t.oracles.includes(v.oracle)).map((v) => v.schedule + 1));
    const seconds = Number.isFinite(first) ? (await explore({ ...base, schedules: first })).seconds : all.seconds;
    hits.push({ bug: t.bug, schedules: first, seconds });
  }
  return hits;
}

/** The share of RATE_SCHEDULES schedules (seeds 7777 on) that hit each target, per seeded strategy;
 * for guided also among its mutants alone (it runs the portfolio's schedules the rest of the time). */
async function rates(scenario: Scenario, kernel: string, transport: Transport, steps: number) {
  const variant = variantByName(kernel);
  const targets = targetsOf(scenario.name, kernel);
  const out: Record<string, Record<string, string>> = {};
  const pc = (h: number, n: number) => `${((100 * h) / Math.max(1, n)).toFixed(1)}% of ${n}`;
  for (const name of SEEDED) {
    const strategy = makeExploreStrategy(name, { steps, seed: 7777, faults: breaksContracts(scenario) });
    const hits = new Map<string, { all: number; mutants: number }>(targets.map((t) => [t.bug, { all: 0, mutants: 0 }]));
    let mutants = 0;
    for (let i = 0; i < RATE_SCHEDULES; i++) {
      const r = await simulate({ scenario, variant, strategy, transport, seed: 7777 + i, keepOpen: true, onStep: (ev) => strategy.observe?.(ev) });
      strategy.endRun?.();
      const mutant = isComposite(strategy) && strategy.member().strategy === 'mutant';
      if (mutant) mutants++;
      const fired = new Set(r.violations.map((v) => v.oracle));
      for (const t of targets) {
        if (!t.oracles.some((o) => fired.has(o))) continue;
        hits.get(t.bug)!.all++;
        if (mutant) hits.get(t.bug)!.mutants++;
      }
    }
    for (const t of targets) {
      const h = hits.get(t.bug)!;
      (out[t.bug] ??= {})[name] = pc(h.all, RATE_SCHEDULES);
      if (name === 'guided') out[t.bug]!['guided (its mutants)'] = pc(h.mutants, mutants);
    }
  }
  return out;
}

interface Cell {
  medianSchedules: number | string;
  meanSchedules: number | string;
  medianSeconds: number;
  meanSeconds: number;
  found: string;
}

function cell(rows: Hit[]): Cell {
  const m = median(rows.map((r) => r.schedules));
  const found = rows.filter((r) => Number.isFinite(r.schedules)).length;
  const avg = mean(rows.map((r) => Math.min(r.schedules, CAP)));
  return {
    medianSchedules: Number.isFinite(m) ? m : `>${CAP}`,
    meanSchedules: found === rows.length ? Number(avg.toFixed(1)) : `≥${avg.toFixed(1)}`,
    medianSeconds: Number(median(rows.map((r) => r.seconds)).toFixed(3)),
    meanSeconds: Number(mean(rows.map((r) => r.seconds)).toFixed(3)),
    found: `${found}/${rows.length}`,
  };
}

const num = (c: Cell) => (typeof c.medianSchedules === 'number' ? c.medianSchedules : Infinity);

/** The target for one composite strategy on one row. */
function target(row: Record<string, Cell>, who: 'portfolio' | 'guided') {
  const best = Math.min(...SINGLE.map((s) => num(row[s]!)));
  const bestSeconds = Math.min(...SINGLE.filter((s) => s !== 'dfs').map((s) => row[s]!.medianSeconds));
  const me = row[who]!;
  return {
    schedulesNoMoreThanFastCheck: num(me) <= num(row['fast-check']!),
    schedulesWithin1_5xBestSingle: num(me) <= 1.5 * best,
    secondsNoMoreThanFastCheck: me.medianSeconds <= row['fast-check']!.medianSeconds,
    secondsWithin1_5xBestSingle: me.medianSeconds <= 1.5 * bestSeconds,
  };
}

export const section: BenchSection = {
  name: 'hunt',
  async run() {
    const transport = await makeTransport('inline');
    const rows: Record<string, Record<string, Cell>> = {};
    const cost: Record<string, Record<string, number>> = {};
    const shares: Record<string, Record<string, string>> = {};
    for (const c of CASES) {
      const [scenario, kernel] = [loadScenario(c.scenario), c.kernel];
      const where = `${scenario.name} on ${kernel}`;
      const steps = (await simulate({ scenario, variant: variantByName(kernel), strategy: fifo(), transport, keepOpen: true })).steps;
      for (const hunter of HUNTERS) await hunt(hunter, scenario, kernel, SEEDS, transport, steps);
      const byHunter = new Map<Hunter, Hit[][]>(HUNTERS.map((h) => [h, []]));
      const spent = new Map<Hunter, { schedules: number; seconds: number }>(HUNTERS.map((h) => [h, { schedules: 0, seconds: 0 }]));
      for (let seed = 0; seed < SEEDS; seed++) {
        for (let j = 0; j < HUNTERS.length; j++) {
          const hunter = HUNTERS[(seed + j) % HUNTERS.length]!;
          const h = await hunt(hunter, scenario, kernel, seed, transport, steps);
          byHunter.get(hunter)!.push(h.hits);
          const c = spent.get(hunter)!;
          c.schedules += h.schedules;
          c.seconds += h.seconds;
        }
      }
      const dfs = await huntDfs(scenario, kernel);
      for (const [bug, r] of Object.entries(await rates(scenario, kernel, transport, steps))) shares[`${where}: ${bug}`] = r;
      cost[where] = Object.fromEntries([...spent].map(([h, c]) => [h, Number(((c.seconds * 1000) / c.schedules).toFixed(1))]));
      for (const t of targetsOf(scenario.name, kernel)) {
        const row: Record<string, Cell> = {};
        for (const hunter of HUNTERS) row[hunter] = cell(byHunter.get(hunter)!.map((r) => r.find((x) => x.bug === t.bug)!));
        row.dfs = cell([dfs.find((x) => x.bug === t.bug)!]);
        rows[`${where}: ${t.bug}`] = row;
      }
    }
    await transport.close();
    const targets = Object.fromEntries(Object.entries(rows).map(([k, row]) => [k, { portfolio: target(row, 'portfolio'), guided: target(row, 'guided') }]));
    return { cases: CASES, seeds: SEEDS, cap: CAP, default: DEFAULT_EXPLORE_STRATEGY, hunt: rows, msPerSchedule: cost, shareOfSchedulesHitting: shares, targets };
  },
};
