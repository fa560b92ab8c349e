// The exploration engine (src/engine): each local transition run once, then answered from the
// transition table. Side by side in this run, each figure beside its floor:
//   delivery   a warm memoized delivery (a table hit: MemoHost.deliver on the messages of recorded
//              runs) and a transition of the stateful dfs (delivery, fingerprint, per-step oracles,
//              undo), against a bare actor.send of the two-state machine (issue target: hit ≤ 1×);
//   schedules  random and pct on exit-with-mmap, schedules per CPU second with the table against
//              without it (`--no-memo`), alternating rounds (issue target: ≥ 30×);
//   dfs        the stateful dfs of exit-with-mmap with and without the table (target ≥ 30×), and
//              two-processes exhausted with the table (target ≤ 60 s, under 1 GB RSS);
//   memory     bytes per visited state (the visited set) and per table entry (heap growth while
//              the table fills, over its entries).
import { memoTransport } from '../../src/engine/memo.ts';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { statefulSearch } from '../../src/explore/stateful.ts';
import { variantByName } from '../../src/kernel/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import type { Message } from '../../src/runtime/types.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { random } from '../../src/scheduler/random.ts';
import { simulate } from '../../src/simulate.ts';
import type { BenchSection } from '../index.ts';
import { actorSend, median, sideBySideCpu } from '../measure.ts';

const scenario = loadScenario('exit-with-mmap');
const variant = variantByName('fixed');
const base: ExploreOptions = { scenario, variant, strategy: 'random', seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: false };
const r2 = (x: number) => Number(x.toFixed(2));

/** The messages of 50 random runs, as delivered (their events the table's own), and a step that
 * delivers them again: every delivery a hit. */
async function warmHits(): Promise<() => number> {
  const t = memoTransport();
  const specs = buildWorld(scenario, variant).specs;
  const runs: Message[][] = [];
  for (let seed = 0; seed < 50; seed++) {
    const msgs: Message[] = [];
    const rec = { ...t, deliver: (m: Message) => (msgs.push(m), t.deliver(m)) };
    await simulate({ scenario, variant, strategy: random(), transport: rec, seed, keepOpen: true });
    runs.push(msgs);
  }
  return () => {
    let n = 0;
    for (const msgs of runs) {
      t.memo.start(specs);
      for (const m of msgs) t.memo.deliver(m);
      n += msgs.length;
    }
    return n;
  };
}

/** The stateful dfs of exit-with-mmap on a warm table, leaves ignored: transitions per call. */
function searchTransitions(): () => Promise<number> {
  const t = memoTransport();
  const specs = buildWorld(scenario, variant).specs;
  return async () => (await statefulSearch({ specs, transport: t, maxSteps: DEFAULT_MAX_STEPS, reorder: false, onLeaf: () => {} })).transitions;
}

/** explore with and without the table, schedules per CPU second, alternating rounds. */
async function schedulesPerCpuSecond(o: Partial<ExploreOptions>, schedules: number, rounds = 5) {
  const rate = async (memo: boolean) => {
    const c0 = process.cpuUsage();
    const r = await explore({ ...base, ...o, memo, schedules });
    const c = process.cpuUsage(c0);
    return r.schedules / ((c.user + c.system) / 1e6);
  };
  const [on, off]: number[][] = [[], []];
  // One untimed round each first: both sides' code compiled by the JIT before it is timed.
  await rate(false);
  await rate(true);
  for (let i = 0; i < rounds; i++) {
    if (i % 2) off.push(await rate(false));
    on.push(await rate(true));
    if (!(i % 2)) off.push(await rate(false));
  }
  return { memoPerS: Math.round(median(on)), noMemoPerS: Math.round(median(off)), speedup: r2(median(on) / median(off)), target: 30 };
}

/** The stateful dfs's CPU seconds with and without the table. */
async function dfsSeconds(memo: boolean, sc = scenario) {
  const c0 = process.cpuUsage();
  const r = await explore({ ...base, scenario: sc, strategy: 'dfs', memo });
  const c = process.cpuUsage(c0);
  const st = r.dfs!.states!;
  return { cpu: (c.user + c.system) / 1e6, wall: r.seconds, states: st.states, transitions: st.transitions, exhausted: r.dfs!.exhausted, visitedBytes: st.visitedBytes ?? 0 };
}

/** Heap bytes per entry while a table fills (random runs of two-processes on pre-fix). */
async function bytesPerEntry(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const h0 = process.memoryUsage().heapUsed;
  const t = memoTransport();
  const sc = loadScenario('two-processes');
  for (let seed = 0; seed < 300; seed++) await simulate({ scenario: sc, variant: variantByName('pre-fix'), strategy: random(), transport: t, seed, keepOpen: true });
  gc?.();
  return Math.round((process.memoryUsage().heapUsed - h0) / t.memo.stats.entries);
}

export const section: BenchSection = {
  name: 'engine',
  async run() {
    const [hitsPerS, sendPerS] = await sideBySideCpu(await warmHits(), actorSend());
    const [transitionsPerS, sendPerS2] = await sideBySideCpu(searchTransitions(), actorSend(), 400, 5);
    const randomRates = await schedulesPerCpuSecond({ strategy: 'random' }, 300);
    const pctRates = await schedulesPerCpuSecond({ strategy: 'pct' }, 300);
    // Warm (one untimed search each), then three of each, alternating; medians.
    await dfsSeconds(false);
    await dfsSeconds(true);
    const offs = [];
    const ons = [];
    for (let i = 0; i < 3; i++) {
      offs.push(await dfsSeconds(false));
      ons.push(await dfsSeconds(true));
    }
    const off = offs[0]!;
    const on = ons[0]!;
    const offCpu = median(offs.map((x) => x.cpu));
    const onCpu = median(ons.map((x) => x.cpu));
    const rss0 = process.memoryUsage().rss;
    const two = await dfsSeconds(true, loadScenario('two-processes'));
    const rss = process.memoryUsage().rss;
    return {
      scenario: `${scenario.name} on ${variant.name}`,
      delivery: {
        hitPerS: Math.round(hitsPerS),
        actorSendPerS: Math.round(sendPerS),
        hitCostOverActorSend: r2(sendPerS / hitsPerS),
        target: 1,
        dfsTransitionPerS: Math.round(transitionsPerS),
        dfsTransitionCostOverActorSend: r2(sendPerS2 / transitionsPerS),
      },
      random: randomRates,
      pct: pctRates,
      dfs: {
        states: on.states,
        transitions: on.transitions,
        sameSpace: on.states === off.states && on.transitions === off.transitions,
        memoCpuSeconds: r2(onCpu),
        noMemoCpuSeconds: r2(offCpu),
        speedup: r2(offCpu / onCpu),
        target: 30,
      },
      twoProcesses: { exhausted: two.exhausted, states: two.states, transitions: two.transitions, wallSeconds: two.wall, cpuSeconds: r2(two.cpu), target: 60, rssMB: Math.round(rss / 2 ** 20), rssGrowthMB: Math.round((rss - rss0) / 2 ** 20) },
      memory: { bytesPerTableEntry: await bytesPerEntry(), bytesPerVisitedState: r2(two.visitedBytes / two.states) },
    };
  },
};
