// history --jobs N: the matrix's cells on a pool of N threads (job-pool.ts), started once and kept
// for every cell of the run, the responsible-hunk judgements included. A cell is one search in a
// thread of its own, deterministic as in this thread (the same seed, inline): the matrix is the
// same but for the seconds. `signal` aborted (Ctrl-C) stops the threads judging: the matrix fails.
import { setMaxListeners } from 'node:events';
import type { CellJudge } from './line.ts';
import type { CellTask } from './job.ts';
import { withJobPool } from './job-pool.ts';

export function withCellPool<T>(jobs: number, f: (by: CellJudge) => Promise<T>, signal?: AbortSignal): Promise<T> {
  // Every cell of the matrix waits on the pool at once, each listening to the signal.
  if (signal) setMaxListeners(0, signal);
  return withJobPool(jobs, (pool) => f({ parallel: true, judge: (scenario, variant, o) => pool.run({ scenario, variant, o } satisfies CellTask, { signal }) }), 'runCell');
}
