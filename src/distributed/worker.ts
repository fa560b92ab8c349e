// `svmsim worker`: a BullMQ worker on the campaign queue, running up to `concurrency` jobs at a
// time, each in a process of its own (job-process.ts) kept from job to job. Until stopped.
//
// Faults: a job whose process dies fails that try (BullMQ retries it, `attempts` in all, then
// fails it with the error); a worker killed outright leaves its jobs active with a lock that
// expires after `lockMs`: another worker's stalled-job check puts them back to wait (BullMQ's
// maxStalledCount: `maxStalls` times, then failed). Counterexamples already stored stay.
import { fork, type ChildProcess } from 'node:child_process';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE, type QueueJobData } from './campaign.ts';
import type { JobReply, JobRequest } from './job-process.ts';

export interface WorkerOptions {
  url: string;
  concurrency: number;
  /** How long a job's lock lasts without renewal: a killed worker's jobs are retried after it. */
  lockMs?: number;
  maxStalls?: number;
  onEvent?: (line: string) => void;
}

const ENTRY = new URL('./job-process-entry.js', import.meta.url);
const TAIL = 2000;

/** One process that runs jobs one at a time. */
class Slot {
  private proc: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private output = '';

  private start(): Promise<void> {
    const p = fork(ENTRY, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced' });
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-TAIL));
    p.stdout!.on('data', keep);
    p.stderr!.on('data', keep);
    this.proc = p;
    this.output = '';
    return new Promise((ok, fail) => {
      p.once('message', () => ok());
      p.once('exit', (code, sig) => fail(new Error(`the job process could not start (${sig ?? `exit code ${code}`}): ${this.output.trim()}`)));
    });
  }

  async run(req: JobRequest): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) this.ready = this.start();
    await this.ready;
    const p = this.proc!;
    const reply = await new Promise<JobReply>((ok) => {
      const onExit = (code: number | null, sig: string | null) =>
        ok({ ok: false, error: `the process running job ${req.id} died (${sig ?? `exit code ${code}`})${this.output.trim() ? `: ${this.output.trim().split('\n').slice(-5).join(' | ')}` : ''}` });
      p.once('exit', onExit);
      p.once('message', (m: JobReply) => {
        p.off('exit', onExit);
        ok(m);
      });
      p.send(req);
    });
    if (!reply.ok) throw new Error(reply.error);
  }

  stop(): void {
    this.proc?.kill('SIGTERM');
  }
}

/** The try a job is on: BullMQ counts a start (attemptsStarted) also when its worker was killed and
 * the job stalled back to wait, which attemptsMade (failed tries) does not. */
const tryOf = (job: Job<QueueJobData>): number => Math.max(job.attemptsStarted ?? 0, job.attemptsMade + 1);

export function startWorker(redis: Redis, o: WorkerOptions): Worker<QueueJobData> {
  const slots = Array.from({ length: o.concurrency }, () => new Slot());
  const conn = redis.duplicate();
  conn.on('error', () => {});
  const free = [...slots];
  const w = new Worker<QueueJobData>(
    QUEUE,
    async (job: Job<QueueJobData>) => {
      const slot = free.pop()!;
      try {
        o.onEvent?.(`job ${job.id}: started (try ${tryOf(job)})`);
        await slot.run({ url: o.url, id: job.id!, data: job.data });
        o.onEvent?.(`job ${job.id}: done`);
      } finally {
        free.push(slot);
      }
    },
    { connection: conn, concurrency: o.concurrency, lockDuration: o.lockMs ?? 30_000, stalledInterval: o.lockMs ?? 30_000, maxStalledCount: o.maxStalls ?? 2 },
  );
  w.on('failed', (job, e) => o.onEvent?.(`job ${job?.id}: failed (try ${job ? Math.max(job.attemptsStarted ?? 0, job.attemptsMade) : '?'}): ${e.message.split('\n')[0]}`));
  w.on('error', () => {});
  const close = w.close.bind(w);
  w.close = async (force?: boolean) => {
    await close(force);
    for (const s of slots) s.stop();
    conn.disconnect();
  };
  return w;
}
