// The BullMQ side of a campaign: its jobs go to one queue; each is registered in the campaign's
// job set before it is added (so the campaign knows every job it waits for, however it was added:
// at the start, while --time lasts, or by a job that split its subtree).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, jobId, keys, type CampaignSpec, type JobData, type Part } from './campaign.ts';

/** The campaign queue on a connection of its own, which close() ends too (BullMQ leaves a
 * connection it was handed open). */
export function openQueue(redis: Redis): Queue<JobData> {
  const conn = redis.duplicate();
  conn.on('error', () => {});
  const q = new Queue<JobData>(QUEUE, { connection: conn });
  // The connection's errors come here too: without a listener BullMQ prints each one's stack (F15
  // of issue 29); the campaign's own client says, in one line, when Redis is down.
  q.on('error', () => {});
  const close = q.close.bind(q);
  q.close = async () => {
    await close();
    conn.disconnect();
  };
  return q;
}

export async function enqueue(q: Queue<JobData>, redis: Redis, spec: CampaignSpec, parts: Part[]): Promise<string[]> {
  const ids = parts.map((p) => jobId(spec.id, p));
  if (!ids.length) return ids;
  await redis.sadd(keys(spec.id).jobs, ...ids);
  await q.addBulk(
    parts.map((part, i) => ({
      name: part.kind,
      data: { campaign: spec.id, part },
      // A crash of the process running it is a failed try; after `attempts` the job is failed,
      // with that error. Finished jobs stay: status counts them.
      opts: { jobId: ids[i], attempts: spec.attempts, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: false, removeOnFail: false },
    })),
  );
  return ids;
}

export type JobState = 'waiting' | 'active' | 'done' | 'failed';

export interface JobCounts {
  waiting: number;
  active: number;
  done: number;
  failed: number;
  /** The failed jobs and their errors. */
  errors: { job: string; error: string }[];
}

/** Where each of the campaign's jobs is: done = its result is stored; failed = BullMQ gave up. */
export async function jobCounts(q: Queue<JobData>, redis: Redis, campaign: string): Promise<JobCounts> {
  const k = keys(campaign);
  const [ids, done] = await Promise.all([redis.smembers(k.jobs), redis.hkeys(k.results)]);
  const finished = new Set(done);
  const c: JobCounts = { waiting: 0, active: 0, done: finished.size, failed: 0, errors: [] };
  const open = ids.filter((id) => !finished.has(id));
  const states = await Promise.all(open.map((id) => q.getJobState(id)));
  await Promise.all(
    open.map(async (id, i) => {
      const s = states[i];
      if (s === 'failed') {
        c.failed++;
        const job = await q.getJob(id);
        c.errors.push({ job: id, error: job?.failedReason ?? 'failed' });
      } else if (s === 'active') c.active++;
      else c.waiting++;
    }),
  );
  c.errors.sort((a, b) => a.job.localeCompare(b.job));
  return c;
}
