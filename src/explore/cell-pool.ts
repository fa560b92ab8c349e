// history --jobs N: the matrix's cells on a pool of N threads (piscina), started once and kept
// for every cell of the run, the responsible-hunk judgements included. A cell is one search in a
// thread of its own, deterministic as in this thread (the same seed, inline): the matrix is the
// same but for the seconds.
import { Piscina } from 'piscina';
import type { CellJudge } from './line.ts';
import type { CellTask } from './job.ts';

export async function withCellPool<T>(jobs: number, f: (by: CellJudge) => Promise<T>): Promise<T> {
  const pool = new Piscina({ filename: new URL('./job-entry.js', import.meta.url).href, name: 'runCell', minThreads: jobs, maxThreads: jobs, idleTimeout: 100 });
  try {
    return await f({ parallel: true, judge: (scenario, variant, o) => pool.run({ scenario, variant, o } satisfies CellTask) });
  } finally {
    await pool.destroy();
  }
}
