// A fuzz run: world after world (drawn by seed and index, or --exhaustive's canonical list), each
// explored and judged (judge.ts); the first world to show each oracle is shrunk (the world first,
// keeping the oracle; then, by the explorer, its schedule) and written: the shrunk world as
// <oracle>.scenario.json (`svmsim run --scenario`) and its schedule as <oracle>.json (`svmsim
// replay`). Worlds are judged a batch at a time (a pool's worth) and taken in index order, so the
// findings are the same with one job or many.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type fc from 'fast-check';
import { copyAtomic, writeJsonAtomic } from '../files.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../variants/variants.ts';
import type { OracleName } from '../oracles/types.ts';
import { decode, genesArb, worldSize, type Bounds, type Genes } from './generate.ts';
import { judgeWorld, type Judged } from './judge.ts';
import { shrinkWorld } from './shrink-world.ts';
import { FUZZ_FORMAT, type Finding, type FuzzResult } from './result.ts';
import { named } from './draw.ts';
import { runShowing } from './run-seed.ts';

/** One world to judge: its index, the seed it is explored with, and (drawn ones) its genes. */
export interface Item {
  index: number;
  seed: number;
  world: Scenario;
  genes?: fc.Value<Genes>;
}

/** Judge these worlds, each with its seed: in this thread, or a pool's (the results in order). */
/** `budget`: schedules per world and strategy; null: the dfs to its end (--exhaustive). */
export type JudgeMany = (items: { world: Scenario; seed: number }[], budget: number | null) => Promise<Judged[]>;

export interface FuzzOptions {
  variant: Variant;
  bounds: Bounds;
  seed: number;
  mode: FuzzResult['mode'];
  /** The worlds, in order (a generator: drawn lazily). */
  items: Iterable<Item>;
  /** --exhaustive: how many there are. */
  total?: number;
  /** Stop after this many worlds, or this many seconds (checked between batches). */
  worlds?: number;
  seconds?: number;
  budget: number | null;
  /** Candidate worlds the world shrinker may judge per finding. */
  shrinkTries: number;
  /** Worlds judged at once (the pool's size). */
  batch?: number;
  judge?: JudgeMany;
  stop?: () => boolean;
  out?: string;
  runId?: string;
  onProgress?: (r: FuzzResult) => void;
}

export const inlineJudge =
  (variant: Variant, stop?: () => boolean): JudgeMany =>
  async (items, budget) => {
    const out: Judged[] = [];
    for (const it of items) out.push(await judgeWorld(it.world, { variant, budget, seed: it.seed, stop }));
    return out;
  };

export async function fuzz(o: FuzzOptions): Promise<FuzzResult> {
  const t0 = performance.now();
  const judge = o.judge ?? inlineJudge(o.variant, o.stop);
  const r: FuzzResult = { format: FUZZ_FORMAT, ...(o.runId ? { run: o.runId } : {}), kernel: o.variant.name, mode: o.mode, seed: o.seed, bounds: o.bounds, budget: o.budget, worlds: 0, exhaustedWorlds: 0, schedules: 0, states: 0, explained: 0, limited: 0, seconds: 0, interrupted: false, ...(o.total !== undefined ? { total: o.total, complete: false } : {}), findings: [] };
  const seen = new Set<OracleName>();
  const save = () => {
    r.seconds = Number(((performance.now() - t0) / 1000).toFixed(2));
    if (o.out) writeJsonAtomic(join(o.out, 'summary.json'), r);
    o.onProgress?.(r);
  };
  const it = o.items[Symbol.iterator]();
  const timeUp = () => o.seconds !== undefined && performance.now() - t0 >= o.seconds * 1000;
  let done = false;
  while (!done && !o.stop?.() && !timeUp()) {
    const batch: Item[] = [];
    while (batch.length < (o.batch ?? 1) && (o.worlds === undefined || r.worlds + batch.length < o.worlds)) {
      const n = it.next();
      if (n.done) break;
      batch.push(n.value);
    }
    if (batch.length < (o.batch ?? 1)) done = true;
    if (!batch.length) break;
    const js = await judge(batch, o.budget);
    // A batch the stop cut short still counts what it found (a finding is written, unshrunk).
    for (const [k, j] of js.entries()) {
      count(r, j);
      const item = batch[k]!;
      if (j.finding && !seen.has(j.finding.oracle)) {
        seen.add(j.finding.oracle);
        r.findings.push(await found(item, j, o, judge));
        save();
      }
    }
    save();
  }
  if (r.complete !== undefined) r.complete = done && !o.stop?.() && r.worlds === o.total;
  r.interrupted = !!o.stop?.();
  save();
  return r;
}

function count(r: FuzzResult, j: Judged): void {
  r.worlds++;
  r.schedules += j.schedules;
  r.states += j.states;
  r.explained += j.explained;
  r.limited += j.limited;
  if (j.exhausted) r.exhaustedWorlds++;
}

/** A world's first finding of an oracle: shrink the world (drawn ones), write it at once and at
 * each smaller world, then its schedule, shrunk. */
async function found(item: Item, j: Judged, o: FuzzOptions, judge: JudgeMany): Promise<Finding> {
  const oracle = j.finding!.oracle;
  const scenarioFile = o.out ? join(o.out, `${oracle}.scenario.json`) : undefined;
  const write = (w: Scenario, jw: Judged) => scenarioFile && writeJsonAtomic(scenarioFile, described(w, item, o, jw));
  write(item.world, j);
  let world = item.world;
  let judged = j;
  let shrink = { tries: 0, steps: 0 };
  if (item.genes) {
    const s = await shrinkWorld(item.genes, j, {
      arb: genesArb(o.bounds),
      decode: (g) => named(decode(g, o.bounds), item.index),
      oracle,
      judge: (ws) => judge(ws.map((w) => ({ world: w, seed: item.seed })), o.budget),
      tries: o.shrinkTries,
      batch: o.batch,
      stop: o.stop,
      onSmaller: write,
    });
    ({ world, judged } = s);
    shrink = { tries: s.tries, steps: s.steps };
  }
  const f: Finding = { oracle, message: judged.finding!.violation.message, world: item.index, seed: item.seed, strategy: judged.strategy, found: worldSize(item.world), shrunk: worldSize(world), shrink, ...(scenarioFile ? { scenarioFile } : {}) };
  if (o.out) Object.assign(f, await scheduleOf(world, item.seed, oracle, o));
  const run = await runShowing(world, o.variant, oracle);
  if (run) f.run = run;
  return f;
}

/** The shrunk world's schedule file: judged again with the explorer writing (and shrinking) its
 * counterexample in a scratch folder, then copied (atomically) next to the summary. Not stopped by Ctrl-C: it
 * is what the run found (a second Ctrl-C quits at once). */
async function scheduleOf(world: Scenario, seed: number, oracle: OracleName, o: FuzzOptions): Promise<Partial<Finding>> {
  const scratch = mkdtempSync(join(tmpdir(), 'svmsim-fuzz-'));
  try {
    const j = await judgeWorld(world, { variant: o.variant, budget: o.budget, seed, out: scratch, runId: o.runId, shrinkSchedule: !o.stop?.() });
    const v = j.finding;
    if (!v?.file || v.oracle !== oracle) return {};
    const scheduleFile = join(o.out!, `${oracle}.json`);
    copyAtomic(v.file, scheduleFile);
    return { scheduleFile, deliveries: v.deliveries, ...(v.original ? { original: v.original } : {}) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The world as a scenario file: its description says where it came from. */
function described(w: Scenario, item: Item, o: FuzzOptions, j: Judged): Scenario {
  const v = j.finding!;
  return { ...w, description: `svmsim fuzz${o.runId ? ` run ${o.runId}` : ''}: world ${item.index} of seed ${o.seed} on ${o.variant.name} (explored with seed ${item.seed}), shrunk: [${v.oracle}] ${v.violation.message}` };
}
