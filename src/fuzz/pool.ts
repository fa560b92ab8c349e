// `fuzz --jobs N`: the worlds of a batch judged on a piscina pool of N worker threads (judge-job.ts),
// the results in the batch's order, so the findings are those of one job (fuzz.ts takes them in
// index order). The run's stop reaches every job through one shared flag. A machine that throws
// in a job fails the run with its actor, event and stack; the pool's threads all end with it.
import { Piscina } from 'piscina';
import { crashError } from '../runtime/threads/pool.ts';
import type { Variant } from '../variants/variants.ts';
import type { JudgeMany } from './fuzz.ts';
import type { JudgeReply, JudgeTask } from './judge-job.ts';

export interface JudgePool {
  judge: JudgeMany;
  /** Tell every job to stop (what each judged so far comes back). */
  stop(): void;
  /** End every thread (after the last batch, or a crash). */
  close(): Promise<void>;
  /** The pool's live threads. */
  threads(): number;
}

export function judgePool(variant: Variant, jobs: number): JudgePool {
  const flags = new SharedArrayBuffer(4);
  const view = new Int32Array(flags);
  const pool = new Piscina({ filename: new URL('./judge-entry.js', import.meta.url).href, minThreads: jobs, maxThreads: jobs, idleTimeout: 100 });
  const one = async (world: JudgeTask['world'], seed: number, budget: number | null) => {
    const task: JudgeTask = { world, seed, kernel: variant.name, budget, flags };
    // A job that fails (a machine threw, its thread died) fails the run: the other jobs stop
    // where they are.
    const r = (await pool.run(task).catch((e: unknown) => {
      Atomics.store(view, 0, 1);
      throw e;
    })) as JudgeReply;
    if (!('crash' in r)) return r.judged;
    Atomics.store(view, 0, 1);
    throw crashError(`fuzz job (world ${world.name})`, r.crash);
  };
  return {
    // allSettled: a crash fails the batch once every job of it has come back (stopped).
    judge: async (items, budget) => {
      const rs = await Promise.allSettled(items.map((it) => one(it.world, it.seed, budget)));
      const failed = rs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return rs.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof one>>>).value);
    },
    stop: () => Atomics.store(view, 0, 1),
    close: () => pool.destroy(),
    threads: () => pool.threads.length,
  };
}
