// Exploration, measured side by side in this one run:
//   throughput   schedules/s of `explore` (coverage and end states included) for random, pct and
//                dfs, inline and on workers;
//   hunt         for each ablation's bug, over 20 seeds, the schedules and seconds to the first
//                violation under random, pct (default depth) and, as the peer baseline,
//                fast-check's own scheduler (`fc.scheduler`) delivering the same actors' messages
//                (its task selector picks which channel goes next). Issue targets: pct's median
//                ≤ 50 schedules, and pct no slower to the bug than fast-check.
// A hunt gives up after CAP schedules; a median above CAP is reported as `>CAP`. One schedule is one
// run from start to verdict for every hunter (one fc property run, one simulate). pct gets k as
// `explore` does: the fifo run's length on the kernel hunted. The three hunters take turns seed by
// seed, in a rotating order, after one untimed hunt each (JIT warm-up), so that a slow spell of
// the shared machine falls on all three alike.
import fc from 'fast-check';
import type { BenchSection } from '../index.ts';
import { explore } from '../../src/explore/explore.ts';
import { variantByName, type Variant } from '../../src/kernel/variants.ts';
import { judge } from '../../src/oracles/index.ts';
import type { OracleName } from '../../src/oracles/types.ts';
import { boot, DEFAULT_MAX_STEPS, traceEvent } from '../../src/runtime/run.ts';
import { makeTransport } from '../../src/runtime/transports.ts';
import { channelOf, type Delivery, type Message, type TraceEvent, type Transport } from '../../src/runtime/types.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { makeExploreStrategy } from '../../src/scheduler/index.ts';
import { simulate } from '../../src/simulate.ts';

const scenario = loadScenario('exit-with-mmap');
const SEEDS = 20;
const CAP = 100;
const THROUGHPUT_S = 1.5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One schedule with fast-check's scheduler choosing: each channel's head is a scheduled task,
 * and the one fast-check releases is delivered (the same FIFO-per-channel model as run.ts). */
async function fcSchedule(s: fc.Scheduler, transport: Transport, variant: Variant) {
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

/** What counts as finding an ablation's bug: the missing flush lets the device reach freed memory;
 * the missing pin lets prq_event_thread serve a fault in a defunct mm, touching what exit_mmap
 * freed (use-after-free) or filling pages nobody frees (leak). */
const TARGETS: { kernel: string; bug: string; oracles: OracleName[] }[] = [
  { kernel: 'fixed-no-release-flush', bug: 'dma-freed', oracles: ['dma-freed'] },
  { kernel: 'fixed-no-fault-pin', bug: 'fault in a defunct mm (use-after-free or leak)', oracles: ['use-after-free', 'leak'] },
];

type Hunter = 'random' | 'pct' | 'fast-check';

/** Schedules and seconds to each target's first hit, for one kernel, one hunter, one seed. */
async function hunt(hunter: Hunter, kernel: string, seed: number, transport: Transport, steps: number) {
  const variant = variantByName(kernel);
  const targets = TARGETS.filter((t) => t.kernel === kernel);
  const hit = new Map<string, { schedules: number; seconds: number }>();
  const t0 = performance.now();
  let n = 0;
  const note = (oracles: Set<string>) => {
    n++;
    for (const t of targets) if (!hit.has(t.bug) && t.oracles.some((o) => oracles.has(o))) hit.set(t.bug, { schedules: n, seconds: (performance.now() - t0) / 1000 });
    return hit.size === targets.length;
  };
  if (hunter === 'fast-check') {
    await fc.check(
      fc.asyncProperty(fc.scheduler(), async (s) => !note(new Set((await fcSchedule(s, transport, variant)).map((v) => v.oracle)))),
      { seed, numRuns: CAP, endOnFailure: true },
    );
  } else {
    const strategy = makeExploreStrategy(hunter, { steps });
    for (let i = 0; i < CAP; i++) {
      const r = await simulate({ scenario, variant, strategy, transport, seed: seed * 1_000_003 + i, keepOpen: true });
      if (note(new Set(r.violations.map((v) => v.oracle)))) break;
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  return { schedules: n, seconds, hits: targets.map((t) => ({ bug: t.bug, ...(hit.get(t.bug) ?? { schedules: Infinity, seconds }) })) };
}

/** Schedules/s of `explore` per strategy and transport, after a warm-up; the workers' threads are
 * started before the clock runs (the start-up, about 2 s, is not a per-schedule cost). */
async function throughput() {
  const out: Record<string, Record<string, number>> = {};
  for (const transport of ['inline', 'workers'] as const) {
    const open = transport === 'workers' ? await makeTransport('workers') : undefined;
    const base = { scenario, variant: variantByName('fixed'), seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport, open, reorder: false };
    await explore({ ...base, strategy: 'random', schedules: 5 });
    for (const strategy of ['random', 'pct', 'dfs'] as const) {
      const r = await explore({ ...base, strategy, seconds: THROUGHPUT_S });
      (out[strategy] ??= {})[transport] = Math.round(r.schedules / r.seconds);
    }
    await open?.close();
  }
  for (const s of Object.values(out)) s.workersOverInline = Number((s.workers! / s.inline!).toFixed(2));
  return out;
}

export const section: BenchSection = {
  name: 'explore',
  async run() {
    const figures: Record<string, unknown> = { scenario: scenario.name, seeds: SEEDS, cap: CAP, schedulesPerSecond: await throughput() };
    const transport = await makeTransport('inline');
    const hunts: Record<string, Record<Hunter, { medianSchedules: number | string; medianSeconds: number; found: number }>> = {};
    const hunters = ['random', 'pct', 'fast-check'] as const;
    /** Every schedule the timed hunts ran, and their time: each hunter's cost per schedule. */
    const cost: Record<string, Record<Hunter, { schedules: number; seconds: number }>> = {};
    for (const kernel of [...new Set(TARGETS.map((t) => t.kernel))]) {
      const steps = (await simulate({ scenario, variant: variantByName(kernel), strategy: fifo(), transport, keepOpen: true })).steps;
      for (const hunter of hunters) await hunt(hunter, kernel, SEEDS, transport, steps);
      const byHunter = new Map<Hunter, Awaited<ReturnType<typeof hunt>>['hits'][]>(hunters.map((h) => [h, []]));
      for (let seed = 0; seed < SEEDS; seed++) {
        for (let j = 0; j < hunters.length; j++) {
          const hunter = hunters[(seed + j) % hunters.length]!;
          const h = await hunt(hunter, kernel, seed, transport, steps);
          byHunter.get(hunter)!.push(h.hits);
          const c = ((cost[kernel] ??= {} as never)[hunter] ??= { schedules: 0, seconds: 0 });
          c.schedules += h.schedules;
          c.seconds += h.seconds;
        }
      }
      for (const hunter of hunters) {
        const runs = byHunter.get(hunter)!;
        for (const t of TARGETS.filter((x) => x.kernel === kernel)) {
          const rows = runs.map((r) => r.find((x) => x.bug === t.bug)!);
          const m = median(rows.map((r) => r.schedules));
          (hunts[`${kernel}: ${t.bug}`] ??= {} as never)[hunter] = {
            medianSchedules: Number.isFinite(m) ? m : `>${CAP}`,
            medianSeconds: Number(median(rows.map((r) => r.seconds)).toFixed(3)),
            found: rows.filter((r) => Number.isFinite(r.schedules)).length,
          };
        }
      }
    }
    await transport.close();
    figures.hunt = hunts;
    figures.msPerSchedule = Object.fromEntries(
      Object.entries(cost).map(([k, byH]) => [k, Object.fromEntries(Object.entries(byH).map(([h, c]) => [h, Number(((c.seconds * 1000) / c.schedules).toFixed(1))]))]),
    );
    figures.pctWithin50 = Object.values(hunts).every((h) => typeof h.pct.medianSchedules === 'number' && h.pct.medianSchedules <= 50);
    figures.pctNoSlowerThanFastCheck = Object.values(hunts).every((h) => h.pct.medianSeconds <= h['fast-check'].medianSeconds);
    // The same in schedules, which the shared machine's load does not move.
    figures.pctNoMoreSchedulesThanFastCheck = Object.values(hunts).every(
      (h) => typeof h.pct.medianSchedules === 'number' && (typeof h['fast-check'].medianSchedules !== 'number' || h.pct.medianSchedules <= h['fast-check'].medianSchedules),
    );
    return figures;
  },
};
