// The submitting side of `explore --queue`: a campaign's spec and first jobs written to Redis,
// then its result waited for: every job done or failed (and, with --time, the time up: seed
// ranges are added while it lasts). Ctrl-C detaches: the workers go on, and `--resume ID` waits
// for the same campaign again.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ExploreResult } from '../explore/result.ts';
import { reductionOf } from '../explore/explore.ts';
import { isStateful } from '../scheduler/dfs.ts';
import type { ScheduleFile } from '../explore/schedule-file.ts';
import { keys, loadSpec, newCampaignId, saveSpec, seedParts, subtreeParts, type CampaignOptions, type CampaignSpec, type JobData, type Part } from './campaign.ts';
import { enqueue, jobCounts, openQueue, type JobCounts } from './queue.ts';
import { campaignResult as anyResult, counterexamples, noResult, type CampaignEnd } from './results.ts';
import { memberParts, swarmCampaignResult } from './swarm.ts';

/** A swarm's members merge as the in-process swarm's do; any other campaign's jobs as --jobs'. */
const campaignResult = (r: Redis, spec: CampaignSpec, end: CampaignEnd) => (spec.swarm !== undefined ? swarmCampaignResult(r, spec, end) : anyResult(r, spec.id, end));

export interface CampaignRequest {
  /** Its id, when the caller needs it before it is submitted (default: a new one). */
  id?: string;
  options: CampaignOptions;
  schedules?: number;
  seconds?: number;
  /** Seeds per job; dfs: jobs to deal the tree to at first, and runs after which a job splits. */
  chunk?: number;
  parts?: number;
  splitAfter?: number;
  attempts?: number;
  /** --swarm N (options.bitstate set): N member jobs (swarm.ts). */
  swarm?: number;
}

export interface Waiting {
  /** Set by Ctrl-C: stop waiting (the campaign goes on). */
  detached: () => boolean;
  onStart?: (spec: CampaignSpec) => void;
  onProgress?: (p: { schedules: number; counts: JobCounts }) => void;
}

/** The result (so far, when detached) and the smallest counterexample per oracle. */
export type CampaignOutcome = { spec: CampaignSpec; detached: boolean; result: ExploreResult; counterexamples: ScheduleFile[]; failed: JobCounts['errors']; lost?: string };

const POLL_MS = 300;
/** --time: seed ranges kept waiting ahead of the workers. */
const AHEAD = 4;

export const DEFAULT_PARTS = 16;
export const DEFAULT_SPLIT_AFTER = 20_000;
export const DEFAULT_ATTEMPTS = 3;

export function newSpec(req: CampaignRequest, now = Date.now()): CampaignSpec {
  const parts = req.parts ?? DEFAULT_PARTS;
  const chunk = req.chunk ?? (req.schedules ? Math.max(Math.min(50, req.schedules), Math.min(1000, Math.ceil(req.schedules / 16))) : 200);
  return {
    id: req.id ?? newCampaignId(),
    created: now,
    options: req.options,
    ...(req.schedules !== undefined ? { schedules: req.schedules } : {}),
    ...(req.seconds === undefined ? {} : req.swarm !== undefined ? { memberSeconds: req.seconds } : { deadline: now + req.seconds * 1000 }),
    chunk,
    parts,
    level: Math.ceil(Math.log2(parts * 8)),
    splitAfter: req.splitAfter ?? DEFAULT_SPLIT_AFTER,
    attempts: req.attempts ?? DEFAULT_ATTEMPTS,
    ...(req.swarm !== undefined ? { swarm: req.swarm } : {}),
  };
}

const isDfs = (s: CampaignSpec) => s.options.strategy === 'dfs';
/** Seeds handed out as the time lasts (--time without --schedules). */
const openEnded = (s: CampaignSpec) => !isDfs(s) && s.schedules === undefined;

/** The first jobs: a swarm's members, the dfs tree dealt out, or every seed range (none yet for --time: topUp). */
export function firstParts(s: CampaignSpec): Part[] {
  if (s.swarm !== undefined) return memberParts(s.swarm);
  if (isDfs(s)) return subtreeParts(s.parts, s.level);
  return openEnded(s) ? [] : seedParts(s.schedules ?? 1000, s.chunk);
}

/** --time: keep AHEAD seed ranges waiting until the deadline. */
async function topUp(q: Queue<JobData>, redis: Redis, s: CampaignSpec, waiting: number): Promise<void> {
  if (!openEnded(s) || Date.now() >= s.deadline!) return;
  const k = keys(s.id);
  const parts: Part[] = [];
  for (let i = waiting; i < AHEAD; i++) {
    const to = await redis.incrby(k.nextSeed, s.chunk);
    parts.push({ kind: 'seeds', from: to - s.chunk, to });
  }
  await enqueue(q, redis, s, parts);
}

export async function runCampaign(redis: Redis, req: CampaignRequest | { resume: string | undefined }, w: Waiting): Promise<CampaignOutcome> {
  const q = openQueue(redis);
  try {
    let spec: CampaignSpec;
    if ('resume' in req) spec = await loadSpec(redis, req.resume);
    else {
      spec = newSpec(req);
      if (!isStateful(reductionOf(spec.options)) && isDfs(spec)) spec.splitAfter = Infinity;
      await saveSpec(redis, spec);
      await enqueue(q, redis, spec, firstParts(spec));
    }
    w.onStart?.(spec);
    let seen = { schedules: 0, done: 0 };
    for (;;) {
      // First, before reading anything else: a Redis that came back empty (restarted without
      // persistence, or flushed) no longer has the campaign's spec (F2 of issue 29).
      if (!(await redis.exists(keys(spec.id).spec))) return lost(spec, seen);
      const counts = await jobCounts(q, redis, spec.id);
      await topUp(q, redis, spec, counts.waiting);
      const schedules = Number((await redis.hget(keys(spec.id).progress, 'schedules')) ?? 0);
      w.onProgress?.({ schedules, counts });
      seen = { schedules, done: counts.done };
      const more = openEnded(spec) && Date.now() < spec.deadline!;
      if (!more && counts.waiting + counts.active === 0 && counts.done + counts.failed > 0) return await finish(redis, spec, counts);
      if (w.detached()) return await soFar(redis, spec, counts);
      await new Promise((ok) => setTimeout(ok, POLL_MS));
    }
  } finally {
    await q.close();
  }
}

/** The campaign's data is gone from Redis: the result says what was last seen, interrupted, with
 * the loss as its error (nothing of it can be read back: the counterexamples went with it). */
function lost(spec: CampaignSpec, seen: { schedules: number; done: number }): CampaignOutcome {
  const what = `the queue lost campaign ${spec.id} (Redis came back without its data: restarted without persistence, or flushed): the results of its ${seen.done} finished job(s) (${seen.schedules} schedules), their counterexamples, the waiting jobs and the visited set are gone; run campaigns on an append-only Redis (redis-server --appendonly yes)`;
  const seconds = Number(((Date.now() - spec.created) / 1000).toFixed(2));
  const result = { ...noResult(spec, seen.schedules, [], seconds), interrupted: true, error: what };
  return { spec, detached: false, result, counterexamples: [], failed: [], lost: what };
}

/** Detached: what the jobs that finished found, and every counterexample stored so far. */
async function soFar(redis: Redis, spec: CampaignSpec, counts: JobCounts): Promise<CampaignOutcome> {
  const k = keys(spec.id);
  const [schedules, cex] = await Promise.all([redis.hget(k.progress, 'schedules'), counterexamples(redis, spec.id)]);
  const end = { finished: false, failed: counts.failed, interrupted: true, seed: spec.options.seed, seconds: Number(((Date.now() - spec.created) / 1000).toFixed(2)) };
  const result = (await campaignResult(redis, spec, end)) ?? noResult(spec, Number(schedules ?? 0), cex, end.seconds);
  return { spec, detached: true, result, counterexamples: cex, failed: counts.errors };
}

async function finish(redis: Redis, spec: CampaignSpec, counts: JobCounts): Promise<CampaignOutcome> {
  const k = keys(spec.id);
  const ended = Number(await redis.hsetnx(k.progress, 'ended', Date.now())) === 1 ? Date.now() : Number(await redis.hget(k.progress, 'ended'));
  const result = await campaignResult(redis, spec, {
    finished: true,
    failed: counts.failed,
    interrupted: false,
    seed: spec.options.seed,
    seconds: Number(((ended - spec.created) / 1000).toFixed(2)),
  });
  if (!result) throw new Error(`campaign ${spec.id}: every job failed: ${counts.errors.map((e) => `${e.job}: ${e.error.split('\n')[0]}`).join('; ')}`);
  return { spec, detached: false, result, counterexamples: await counterexamples(redis, spec.id), failed: counts.errors };
}
