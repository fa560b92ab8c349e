// One job of a parallel exploration, run in a piscina worker (or, runCell, one cell of
// `history --jobs`): its share of the seeds (or of the
// dfs tree), its own transport (in workers mode, its own machine workers). Shared flags: Ctrl-C,
// --stop-on-first from any job, and which job writes each oracle's counterexample.
import type { MessagePort } from 'node:worker_threads';
import { variantByName } from '../variants/variants.ts';
import { ORACLES } from '../oracles/types.ts';
import { explore, type ExploreOptions } from './explore.ts';
import type { ExploreResult } from './result.ts';
import { cell, type Cell, type CellOptions } from './line.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../variants/variants.ts';

export type JobOptions = Omit<ExploreOptions, 'variant' | 'stop' | 'halt' | 'claim' | 'onProgress'> & { kernel: string };

export interface JobTask {
  options: JobOptions;
  /** Int32 flags: [STOP] Ctrl-C, [HALT] a job stopped on its first violation, [CLAIM + i] ORACLES[i] taken. */
  flags: SharedArrayBuffer;
  port: MessagePort;
}

export const STOP = 0;
export const HALT = 1;
const CLAIM = 2;
export const FLAG_COUNT = CLAIM + ORACLES.length;

export async function runJob(task: JobTask): Promise<ExploreResult> {
  const flags = new Int32Array(task.flags);
  try {
    return await explore({
      ...task.options,
      variant: variantByName(task.options.kernel),
      stop: () => Atomics.load(flags, STOP) !== 0 || Atomics.load(flags, HALT) !== 0,
      halt: () => Atomics.store(flags, HALT, 1),
      claim: (oracle) => Atomics.compareExchange(flags, CLAIM + ORACLES.indexOf(oracle), 0, 1) === 0,
      onProgress: (p) => task.port.postMessage(p),
    });
  } finally {
    task.port.close();
  }
}

/** One cell of `history --jobs` (cell-pool.ts): a scenario on a variant (its hunks as data). */
export interface CellTask {
  scenario: Scenario;
  variant: Variant;
  o: CellOptions;
}

export const runCell = (t: CellTask): Promise<Cell> => cell(t.scenario, t.variant, t.o);
