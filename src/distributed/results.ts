// What a campaign has found so far, in Redis: each finished job's result (the document a job of
// `explore` returns) and state graph, and the smallest counterexample per oracle, stored as soon
// as a job finds it (a job that dies afterwards loses none of it). The campaign's result is those
// merged as `explore --jobs` merges its jobs: the same document `explore --json` prints.
import type { Redis } from 'ioredis';
import type { ExploreResult } from '../explore/result.ts';
import { mergeResults, RESULT_FORMAT } from '../explore/result.ts';
import type { ScheduleFile } from '../explore/schedule-file.ts';
import { keys, type CampaignSpec } from './campaign.ts';
import { countGraphs, decodeGraph } from './graph-fp.ts';

/** Keep a counterexample if its oracle has none yet, or only a larger one. */
const KEEP_SMALLEST = `
local had = redis.call('HGET', KEYS[2], ARGV[1])
if had and tonumber(had) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

/** One number that orders as smallestFirst (result.ts, the shrinker's order) does: a shrunk file
 * first, then fewer preemptions, then fewer deliveries (each capped to its field's width). */
export const sizeOf = (f: ScheduleFile): number => (f.shrunk ? 0 : 2 ** 52) + Math.min(f.preemptions, 2 ** 20 - 1) * 2 ** 32 + Math.min(f.deliveries, 2 ** 32 - 1);

/** The counterexample's signature: its oracle (a campaign keeps one per oracle, as explore does):
 * the smallest, or the one of lowest `rank` when given (a swarm's: swarm.ts memberRank). */
export async function offerCounterexample(r: Redis, campaign: string, f: ScheduleFile, rank = sizeOf(f)): Promise<boolean> {
  const k = keys(campaign);
  const kept = await r.eval(KEEP_SMALLEST, 2, k.cex, k.cexSize, f.violation.oracle, rank, JSON.stringify(f));
  return kept === 1;
}

export async function counterexamples(r: Redis, campaign: string): Promise<ScheduleFile[]> {
  const all = await r.hgetall(keys(campaign).cex);
  return Object.values(all).map((j) => JSON.parse(j) as ScheduleFile);
}

export async function storeResult(r: Redis, campaign: string, job: string, result: ExploreResult, graph?: Buffer): Promise<void> {
  const k = keys(campaign);
  const m = r.multi().hset(k.results, job, JSON.stringify(result));
  if (graph) m.hset(k.graphs, job, graph);
  await m.exec();
}

export async function jobResults(r: Redis, campaign: string): Promise<Map<string, ExploreResult>> {
  const all = await r.hgetall(keys(campaign).results);
  return new Map(Object.entries(all).map(([j, v]) => [j, JSON.parse(v) as ExploreResult]));
}

export interface CampaignEnd {
  /** Every job the campaign enqueued has finished or failed (none waiting or running). */
  finished: boolean;
  failed: number;
  /** Cancelled before the end. */
  interrupted: boolean;
  /** The campaign's seed (each job's is its range's first). */
  seed: number;
  seconds: number;
}

/** The campaign's result: the jobs' results merged, the state graphs counted together, the
 * smallest counterexamples' sizes; `exhausted` only when every job finished and exhausted its
 * share, and every job that claimed a state has a result (a completed job expanded it). */
export async function campaignResult(r: Redis, campaign: string, end: CampaignEnd): Promise<ExploreResult | null> {
  const results = await jobResults(r, campaign);
  const parts = [...results.values()];
  if (!parts.length) return null;
  const merged = mergeResults(parts);
  const cex = new Map((await counterexamples(r, campaign)).map((f) => [f.violation.oracle, f]));
  for (const v of merged.violations) {
    const f = cex.get(v.oracle);
    if (!f) continue;
    Object.assign(v, { deliveries: f.deliveries, preemptions: f.preemptions, original: f.original });
    delete v.file;
  }
  for (const v of merged.violations) if (!cex.has(v.oracle)) delete v.file;
  const st = merged.dfs?.states;
  if (st) {
    const graphs = Object.values(await r.hgetallBuffer(keys(campaign).graphs)).map(decodeGraph);
    const c = countGraphs(graphs);
    Object.assign(st, { paths: c.paths, states: c.states + (st.top ?? 0), transitions: c.transitions });
  }
  // A state claimed by a job with no result (failed, or its result lost) was never expanded by
  // a job that completed: the other jobs cut there.
  const claimers = await r.smembers(keys(campaign).claimers);
  const unexpanded = claimers.filter((j) => !results.has(j));
  const exhausted = end.finished && end.failed === 0 && unexpanded.length === 0 && !!merged.dfs && parts.every((p) => p.dfs?.exhausted);
  if (merged.dfs) merged.dfs.exhausted = exhausted;
  if (st) st.exhausted = exhausted;
  return { ...merged, seed: end.seed, jobs: parts.length, seconds: end.seconds, interrupted: end.interrupted && !exhausted };
}

/** No job has a result yet: the campaign's settings, the schedules counted so far and the
 * counterexamples stored (each job offers one as soon as it finds it). */
export function noResult(spec: CampaignSpec, schedules: number, cex: ScheduleFile[], seconds: number): ExploreResult {
  const o = spec.options;
  return {
    format: RESULT_FORMAT,
    kernel: o.kernel,
    scenario: o.scenario.name,
    strategy: o.strategy,
    transport: o.transport,
    seed: o.seed,
    ...(o.strategy === 'pct' ? { depth: o.depth } : {}),
    ...(o.preemptionBound !== undefined ? { preemptionBound: o.preemptionBound } : {}),
    reorder: o.reorder,
    maxSteps: o.maxSteps,
    shards: ['1/1'],
    jobs: 0,
    schedules,
    pruned: 0,
    seconds,
    interrupted: true,
    endStates: [],
    violations: cex.map((f) => ({ oracle: f.violation.oracle, count: 1, schedule: f.schedule, seed: f.seed, violation: f.violation, deliveries: f.deliveries, preemptions: f.preemptions })),
    coverage: {},
  };
}
