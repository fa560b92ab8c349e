// The piscina pool of every --jobs run: `jobs` threads on job-entry.js (a task names its export:
// runJob by default, runCell for history's cells), started once for the run and destroyed after
// it, whether it resolved or threw, so that no thread outlives the run. A task's error (a
// machine's crash: its actor, event and stack) rejects the run with its message and stack.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { JobOptions, JobTask } from './job.ts';
import type { ProgressTick } from './options.ts';
import type { ExploreResult } from './result.ts';

export async function withJobPool<T>(jobs: number, f: (pool: Piscina) => Promise<T>, name?: string): Promise<T> {
  const pool = new Piscina({ filename: new URL('./job-entry.js', import.meta.url).href, ...(name ? { name } : {}), minThreads: jobs, maxThreads: jobs, idleTimeout: 100 });
  try {
    return await f(pool);
  } finally {
    await pool.destroy();
  }
}

/** One exploration job on the pool, its progress ticks passed to `onProgress` through a port of its own. */
export function runJobOn(pool: Piscina, options: JobOptions, flags: SharedArrayBuffer, onProgress?: (p: ProgressTick) => void): Promise<ExploreResult> {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (p: ProgressTick) => onProgress?.(p));
  const task: JobTask = { options, flags, port: port2 };
  return (pool.run(task, { transferList: [port2] }) as Promise<ExploreResult>).finally(() => port1.close());
}
