// --jobs J: J explorations in parallel in a piscina pool, each a share of this shard's seeds (or
// of its dfs tree), their results merged as `svmsim merge` would.
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { ExploreOptions, ProgressTick } from './explore.ts';
import { explore } from './explore.ts';
import { FLAG_COUNT, HALT, STOP, type JobTask } from './job.ts';
import { mergeResults, type ExploreResult } from './result.ts';

export interface RunOptions extends Omit<ExploreOptions, 'stop' | 'halt' | 'claim' | 'job'> {
  jobs: number;
  /** Set by Ctrl-C. */
  interrupted: () => boolean;
  onInterrupt?: (stop: () => void) => void;
}

/** Explore with one job in this thread, or `jobs` in a pool; Ctrl-C (`interrupted`) stops all. */
export async function exploreJobs(o: RunOptions): Promise<ExploreResult> {
  if (o.jobs <= 1) {
    const r = await explore({ ...o, stop: o.interrupted });
    return { ...r, interrupted: o.interrupted() && !r.dfs?.exhausted };
  }
  const flags = new SharedArrayBuffer(FLAG_COUNT * 4);
  const view = new Int32Array(flags);
  o.onInterrupt?.(() => Atomics.store(view, STOP, 1));
  const pool = new Piscina({ filename: new URL('./job-entry.js', import.meta.url).href, minThreads: o.jobs, maxThreads: o.jobs, idleTimeout: 100 });
  try {
    const { interrupted: _i, onInterrupt: _oi, onProgress, variant, jobs, ...rest } = o;
    const parts = await Promise.all(
      Array.from({ length: jobs }, (_, j) => {
        const { port1, port2 } = new MessageChannel();
        port1.on('message', (p: ProgressTick) => onProgress?.(p));
        const task: JobTask = { options: { ...rest, kernel: variant.name, job: { j, jobs } }, flags, port: port2 };
        return (pool.run(task, { transferList: [port2] }) as Promise<ExploreResult>).finally(() => port1.close());
      }),
    );
    const merged = mergeResults(parts);
    return { ...merged, jobs, interrupted: Atomics.load(view, STOP) !== 0 && !merged.dfs?.exhausted };
  } finally {
    await pool.destroy();
  }
}
