// A campaign against a real redis-server: workers in this process (each job in a process of its
// own, as `svmsim worker` runs them) or as `svmsim worker` processes, and the submitting side.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { connectRedis } from '../../src/distributed/connection.ts';
import { runCampaign, type CampaignRequest, type CampaignOutcome, type Waiting } from '../../src/distributed/submit.ts';
import { startWorker } from '../../src/distributed/worker.ts';

export { options, inProcess } from '../../tools/campaign-options.ts';

export const BIN = fileURLToPath(new URL('../../bin/svmsim.js', import.meta.url));

export async function withWorkers<T>(url: string, n: number, body: (redis: Redis) => Promise<T>, lockMs?: number, onEvent?: (line: string) => void): Promise<T> {
  const redis = await connectRedis(url);
  const workers: Worker[] = Array.from({ length: n }, () => startWorker(redis, { url, concurrency: 1, lockMs, onEvent }));
  try {
    return await body(redis);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    redis.disconnect();
  }
}

export async function campaign(redis: Redis, req: CampaignRequest | { resume: string | undefined }, w: Partial<Waiting> = {}): Promise<CampaignOutcome> {
  const out = await runCampaign(redis, req, { detached: () => false, ...w });
  if (out.detached) throw new Error('detached');
  return out;
}

/** `svmsim ARGS` as a child process; `done` resolves with its exit and what it printed. */
export function svmsimProcess(args: string[], env: Record<string, string> = {}) {
  const p: ChildProcess = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  p.stdout!.on('data', (d) => (stdout += d));
  p.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((ok) => p.on('exit', (code, signal) => ok({ code, signal, stdout, stderr })));
  return { p, done, output: () => ({ stdout, stderr }) };
}

export const until = async (what: string, cond: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
};
