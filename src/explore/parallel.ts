// --jobs J: J explorations in parallel in a piscina pool, each a share of this shard's seeds (or
// of its dfs tree), their results merged as `svmsim merge` would.
import type { ExploreOptions } from './options.ts';
import { explore, reductionOf } from './explore.ts';
import { isStateful } from '../scheduler/dfs.ts';
import { FLAG_COUNT, HALT, STOP } from './job.ts';
import { schedulesOf, type StateGraph } from './graph.ts';
import { mergeResults, type ExploreResult } from './result.ts';
import { DEFAULT_SLOTS, sharedVisited } from './visited.ts';
import { runJobOn, withJobPool } from './job-pool.ts';

export interface RunOptions extends Omit<ExploreOptions, 'stop' | 'halt' | 'claim' | 'job'> {
  jobs: number;
  /** Set by Ctrl-C. */
  interrupted: () => boolean;
  onInterrupt?: (stop: () => void) => void;
  /** Slots of the stateful search's shared visited set (a power of two; default 2^22, 32 MB). */
  visitedSlots?: number;
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
  return withJobPool(o.jobs, async (pool) => {
    const { interrupted: _i, onInterrupt: _oi, onProgress, variant, jobs, visitedSlots, ...rest } = o;
    // The jobs of a stateful search share one visited set: each state is expanded by one job.
    const visited = isStateful(reductionOf(o)) ? sharedVisited(visitedSlots ?? DEFAULT_SLOTS) : undefined;
    const parts = await Promise.all(Array.from({ length: jobs }, (_, j) => runJobOn(pool, { ...rest, kernel: variant.name, job: { j, jobs }, visited }, flags, onProgress)));
    // Each job's schedules run on through states other jobs expanded: count them on the jobs'
    // state graphs merged, and keep the graphs out of the summary.
    const graphs: StateGraph[] = [];
    for (const p of parts) {
      const st = p.dfs?.states;
      if (st?.graph) graphs.push(st.graph);
      delete st?.graph;
    }
    const merged = mergeResults(parts);
    if (graphs.length && merged.dfs?.states) merged.dfs.states.paths = schedulesOf(graphs);
    // The jobs share this run's shard: its share is exhausted when every job's is (mergeResults
    // asks, as `merge` must, for every k of n, which jobs of one shard never are).
    if (merged.dfs) merged.dfs.exhausted = parts.every((p) => p.dfs?.exhausted);
    return { ...merged, jobs, interrupted: Atomics.load(view, STOP) !== 0 && !merged.dfs?.exhausted };
  });
}
