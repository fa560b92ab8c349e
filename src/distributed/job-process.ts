// The process a worker runs its jobs in (one per --concurrency slot, kept from job to job): a job
// that crashes it (a fault, an out-of-memory) takes down this process only; the worker fails that
// try with the exit and the last lines it printed, and starts another process.
import type { Redis } from 'ioredis';
import { client } from './connection.ts';
import type { QueueJobData } from './campaign.ts';
import { runCampaignJob } from './job-run.ts';
import { runWorldJob } from './fuzz-queue.ts';

export interface JobRequest {
  url: string;
  id: string;
  data: QueueJobData;
}
export type JobReply = { ok: true } | { ok: false; error: string };

/** Fault injection for the tests: a job whose id contains this kills the process running it. */
const KILL = process.env.SVMSIM_FAULT_KILL_JOB;

const clients = new Map<string, Redis>();

process.on('message', (m: JobRequest) => {
  if (KILL && m.id.includes(KILL)) process.kill(process.pid, 'SIGKILL');
  let r = clients.get(m.url);
  if (!r) clients.set(m.url, (r = client(m.url)));
  const job = 'world' in m.data ? runWorldJob(r, m.id, m.data) : runCampaignJob(r, m.id, m.data);
  job.then(
    () => process.send!({ ok: true } satisfies JobReply),
    (e: Error) => process.send!({ ok: false, error: e.stack ?? String(e) } satisfies JobReply),
  );
});
// The worker went away (killed, or done): so does this process.
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
