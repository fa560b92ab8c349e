// What the explorer needs beyond a Strategy: a strategy that searches a space of schedules sees
// every delivery's effects (dfs reads footprints from them) and says, after each run, whether
// anything is left to explore.
import type { TraceEvent } from '../runtime/types.ts';
import type { Strategy } from '../runtime/strategy.ts';

export interface ExploringStrategy extends Strategy {
  /** Called after each delivery of the current run, in order. */
  observe?(ev: TraceEvent): void;
  /** Called after each run (also one cut short by `Pruned`); false once the space is exhausted. */
  endRun?(): boolean;
}

/** Thrown by `pick` to abandon a run that can only repeat explored schedules (sleep-set blocked,
 * or a branch another job owns). The explorer counts it and moves on. */
export class Pruned extends Error {
  constructor(readonly why: 'sleep' | 'owner') {
    super(`run pruned (${why})`);
  }
}
