// `fuzz --queue URL`: the worlds of a fuzz run as jobs on the campaign queue, one world a job,
// judged by `svmsim worker`s (in the process each keeps for its jobs, job-process.ts) with the
// same judgeWorld as in the fuzz process. The fuzz process keeps the loop: it draws the worlds,
// submits a batch, waits for its results (the campaign's results hash, by job id) and takes them
// in the batch's order, so it finds, shrinks (the shrinker's candidates are jobs too) and writes
// what one process would. A job that fails all its tries (a machine threw: its actor, event and
// stack; its process died each time) fails the run with that error. Ctrl-C stops the waiting
// and sets the campaign's halt flag: jobs running stop where they are, waiting ones end at once.
import type { Redis } from 'ioredis';
import { judgeWorld, type Judged } from '../fuzz/judge.ts';
import { injectedCrash } from '../fuzz/judge-job.ts';
import type { JudgeMany } from '../fuzz/fuzz.ts';
import { ActorCrash } from '../runtime/host.ts';
import { crashError } from '../runtime/threads/pool.ts';
import { variantByName } from '../variants/variants.ts';
import { DEFAULT_ATTEMPTS } from './submit.ts';
import { keys, newCampaignId, type WorldJobData } from './campaign.ts';
import { openQueue } from './queue.ts';

/** How often the waiting side reads the results, and a job reads the halt flag. */
const POLL_MS = 100;

/** A worker's side: judge the job's world; its result under the job's id. */
export async function runWorldJob(redis: Redis, id: string, data: WorldJobData): Promise<void> {
  const k = keys(data.campaign);
  let halted = (await redis.hget(k.progress, 'halt')) === '1';
  if (halted) return;
  const poll = setInterval(() => void redis.hget(k.progress, 'halt').then((h) => (halted = h === '1'), () => {}), POLL_MS);
  try {
    const w = data.world;
    let judged: Judged;
    try {
      injectedCrash(w.world);
      judged = await judgeWorld(w.world, { variant: variantByName(w.kernel), budget: w.budget, seed: w.seed, stop: () => halted });
    } catch (e) {
      // The job's error is its stack: which actor, on which event, and where it threw.
      throw e instanceof ActorCrash ? crashError(`job ${id} (world ${w.world.name})`, { actor: e.actor, event: e.event, stack: e.causeStack }) : e;
    }
    await redis.hset(k.results, id, JSON.stringify(judged));
  } finally {
    clearInterval(poll);
  }
}

export interface QueueJudge {
  campaign: string;
  judge: JudgeMany;
  stop(): void;
  close(): Promise<void>;
}

/** The submitting side: a JudgeMany whose worlds are judged by the queue's workers. */
export function queueJudge(redis: Redis, kernel: string, o: { attempts?: number; id?: string } = {}): QueueJudge {
  const campaign = o.id ?? newCampaignId();
  const k = keys(campaign);
  const q = openQueue(redis);
  let stopped = false;
  let seq = 0;
  const judge: JudgeMany = async (items, budget) => {
    const ids = items.map(() => `${campaign}.w${seq++}`);
    if (!ids.length) return [];
    await redis.sadd(k.jobs, ...ids);
    const data = (i: number): WorldJobData => ({ campaign, world: { world: items[i]!.world, seed: items[i]!.seed, kernel, budget } });
    await q.addBulk(ids.map((jobId, i) => ({ name: 'world', data: data(i) as never, opts: { jobId, attempts: o.attempts ?? DEFAULT_ATTEMPTS, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: true, removeOnFail: false } })));
    const got = new Map<string, Judged>();
    while (!stopped && got.size < ids.length) {
      const open = ids.filter((id) => !got.has(id));
      const values = await redis.hmget(k.results, ...open);
      values.forEach((v, i) => v !== null && got.set(open[i]!, JSON.parse(v) as Judged));
      for (const id of open.filter((x) => !got.has(x))) await failed(id, items[ids.indexOf(id)]!.world.name);
      if (got.size < ids.length) await new Promise((ok) => setTimeout(ok, POLL_MS));
    }
    await redis.hdel(k.results, ...got.keys());
    // Stopped: the results that came, up to the first that did not (the loop takes them in order).
    const firstMissing = ids.findIndex((id) => !got.has(id));
    return ids.slice(0, firstMissing < 0 ? ids.length : firstMissing).map((id) => got.get(id)!);
  };
  const failed = async (id: string, world: string) => {
    if ((await q.getJobState(id)) !== 'failed') return;
    const job = await q.getJob(id);
    throw new Error(`fuzz --queue: job ${id} (world ${world}) failed after ${job?.attemptsMade ?? '?'} tries: ${job?.failedReason ?? 'failed'}`);
  };
  return {
    campaign,
    judge,
    stop: () => {
      stopped = true;
      void redis.hset(k.progress, 'halt', '1').catch(() => {});
    },
    close: () => q.close(),
  };
}
