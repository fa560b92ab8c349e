// pct: Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
// Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010). Each thread
// gets a random priority; the highest-priority enabled thread runs; at d−1 random steps (the
// change points) the running thread drops below every other. A bug of depth d (d ordering
// constraints) in a run of k steps among n threads is found with probability ≥ 1/(n·k^(d−1)).
//
// A thread here is a channel (sender → receiver, or a sender's lane). A channel's messages are one
// sender's program order towards one receiver, taken in order as a thread's steps are. An actor is
// not a thread: its queued messages come from different kernel threads (the prq thread's
// handle_mm_fault and the exiting task's exit_mmap steps both go to mm#1), and their order at the
// receiver is exactly the race to find. With the receiver as thread, PCT would serve them in seq
// order always; measured on exit-with-mmap, the fault-pin use-after-free then takes a median of
// ~40 schedules at d=3 against ~8 with channels.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { channelOf } from '../runtime/types.ts';
import { mixSeed } from './seed.ts';
import type { Strategy } from './strategy.ts';

export interface PctOptions {
  /** d: the bug depth targeted; d−1 priority change points. */
  depth: number;
  /** k: the expected number of steps of a run (change points fall in [0, k)). */
  steps: number;
}

export const DEFAULT_DEPTH = 3;

export function pct(o: PctOptions): Strategy {
  let rng = xoroshiro128plus(0);
  const prio = new Map<string, number>();
  /** step → the low priority the running thread takes there (1 … d−1). */
  const change = new Map<number, number>();
  const SPAN = 0x3fffffff;
  return {
    name: 'pct',
    beginRun(seed) {
      rng = xoroshiro128plus(mixSeed(seed));
      prio.clear();
      change.clear();
      for (let i = 1; i < o.depth; i++) change.set(uniformInt(rng, 0, Math.max(0, o.steps - 1)), i);
    },
    pick(enabled, step) {
      let best = 0;
      let bestP = -Infinity;
      enabled.forEach((m, i) => {
        const ch = channelOf(m);
        let p = prio.get(ch);
        // A thread first seen gets a random initial priority above every change point's:
        // drawing them as threads appear gives the same uniform random order as a permutation.
        if (p === undefined) prio.set(ch, (p = o.depth + uniformInt(rng, 0, SPAN) / (SPAN + 1)));
        if (p > bestP) [best, bestP] = [i, p];
      });
      const low = change.get(step);
      if (low !== undefined) prio.set(channelOf(enabled[best]!), low);
      return best;
    },
  };
}
