// The exploration engine (src/engine): each local transition run once, then answered from the
// transition table. Side by side in this run, each figure beside its floor:
//   delivery   a warm memoized delivery (a table hit: MemoHost.deliver on the messages of recorded
//              runs) and a transition of the stateful dfs (delivery, fingerprint, per-step oracles,
//              undo), against a bare actor.send of the two-state machine (issue target: hit ≤ 1×);
//   schedules  random and pct on exit-with-mmap, schedules per CPU second with the table against
//              without it (`--no-memo`) (issue target: ≥ 30×);
//   dfs        the stateful dfs of exit-with-mmap with and without the table (target ≥ 30×), and
//              two-processes exhausted with the table (target ≤ 60 s, under 1 GB RSS);
// The ratios' two sides each run in processes of their own (engine-rate.ts: three of each,
// alternating, each warmed for as much CPU time as the other), as a user's explore runs one or the
// other: in one process the side with the table, which runs its code thirty times as often, was
// timed still cold after the same number of warm-up rounds.
//   memory     bytes per visited state (the visited set) and per table entry: the heap's growth
//              while the table fills and the table's own bytes (what forgetting it frees), each over
//              its entries (issue target: ≤ 800 B).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forgetTables, memoTransport } from '../../src/engine/memo.ts';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { statefulSearch } from '../../src/explore/stateful.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import type { Message } from '../../src/runtime/types.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
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

const RATE = fileURLToPath(new URL('../engine-rate.ts', import.meta.url));

/** One side of a ratio in a process of its own (engine-rate.ts), as a user's explore runs it. */
function rateApart(kind: 'random' | 'pct' | 'dfs', memo: boolean): { perS?: number; cpu?: number; states?: number; transitions?: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', RATE, kind, memo ? 'on' : 'off'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`engine-rate ${kind} ${memo ? 'on' : 'off'}: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReturnType<typeof rateApart>;
}

/** Three processes each side, alternating (on, off, on, off, ...): the medians. */
function apart(kind: 'random' | 'pct' | 'dfs') {
  const [on, off]: ReturnType<typeof rateApart>[][] = [[], []];
  for (let i = 0; i < 3; i++) {
    on.push(rateApart(kind, true));
    off.push(rateApart(kind, false));
  }
  return { on, off };
}

/** random or pct: schedules per CPU second with and without the table, each side in its own process. */
function schedulesPerCpuSecond(kind: 'random' | 'pct') {
  const { on, off } = apart(kind);
  const [a, b] = [median(on.map((x) => x.perS!)), median(off.map((x) => x.perS!))];
  return { memoPerS: Math.round(a), noMemoPerS: Math.round(b), speedup: r2(a / b), target: 30, processes: { memo: on.map((x) => Math.round(x.perS!)), noMemo: off.map((x) => Math.round(x.perS!)) } };
}

/** The stateful dfs of exit-with-mmap, CPU seconds with and without the table, each side in its own process. */
function dfsApart() {
  const { on, off } = apart('dfs');
  const [a, b] = [median(on.map((x) => x.cpu!)), median(off.map((x) => x.cpu!))];
  const same = [...on, ...off].every((x) => x.states === on[0]!.states && x.transitions === on[0]!.transitions);
  return { states: on[0]!.states, transitions: on[0]!.transitions, sameSpace: same, memoCpuSeconds: Number(a.toFixed(3)), noMemoCpuSeconds: r2(b), speedup: r2(b / a), target: 30 };
}

/** The stateful dfs of `sc` with the table, in this process: CPU and wall seconds, what it searched. */
async function dfsSeconds(sc: Scenario) {
  const c0 = process.cpuUsage();
  const r = await explore({ ...base, scenario: sc, strategy: 'dfs' });
  const c = process.cpuUsage(c0);
  const st = r.dfs!.states!;
  return { cpu: (c.user + c.system) / 1e6, wall: r.seconds, states: st.states, transitions: st.transitions, exhausted: r.dfs!.exhausted, visitedBytes: st.visitedBytes ?? 0 };
}

/** Heap bytes per entry while a table fills (random runs of two-processes on pre-fix, from no
 * table): the heap's growth over the entries, and the table's own bytes (what forgetting it frees,
 * its host closed), which leave out the code the runs compile and the live actors. */
async function bytesPerEntry(): Promise<{ grown: number; table: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const heap = () => (gc?.(), process.memoryUsage().heapUsed);
  forgetTables();
  const h0 = heap();
  const t = memoTransport();
  const sc = loadScenario('two-processes');
  for (let seed = 0; seed < 300; seed++) await simulate({ scenario: sc, variant: variantByName('pre-fix'), strategy: random(), transport: t, seed, keepOpen: true });
  const { entries } = t.memo.stats;
  const h1 = heap();
  await t.close();
  const h2 = heap();
  forgetTables();
  return { grown: Math.round((h1 - h0) / entries), table: Math.round((h2 - heap()) / entries) };
}

async function memory(two: { visitedBytes: number; states: number }) {
  const entry = await bytesPerEntry();
  return { bytesPerTableEntry: entry.grown, tableBytesPerEntry: entry.table, target: 800, bytesPerVisitedState: r2(two.visitedBytes / two.states) };
}

export const section: BenchSection = {
  name: 'engine',
  async run() {
    const [hitsPerS, sendPerS] = await sideBySideCpu(await warmHits(), actorSend());
    const [transitionsPerS, sendPerS2] = await sideBySideCpu(searchTransitions(), actorSend(), 400, 5);
    const randomRates = schedulesPerCpuSecond('random');
    const pctRates = schedulesPerCpuSecond('pct');
    const dfs = dfsApart();
    const rss0 = process.memoryUsage().rss;
    const two = await dfsSeconds(loadScenario('two-processes'));
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
      dfs,
      twoProcesses: { exhausted: two.exhausted, states: two.states, transitions: two.transitions, wallSeconds: two.wall, cpuSeconds: r2(two.cpu), target: 60, rssMB: Math.round(rss / 2 ** 20), rssGrowthMB: Math.round((rss - rss0) / 2 ** 20) },
      memory: await memory(two),
    };
  },
};
