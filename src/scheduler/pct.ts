// pct: Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
// Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010). Each thread
// gets a random priority; the highest-priority enabled thread runs; at d−1 random steps (the
// change points) the running thread drops below every other. A bug of depth d (d ordering
// constraints) in a run of k steps among n threads is found with probability ≥ 1/(n·k^(d−1)).
//
// Change points go where a choice exists, as in Coyote's PCT (PCTStrategy,
// MovePriorityChangePointForward): the d−1 points are distinct steps drawn uniformly from [0, k),
// each with its low priority 1 … d−1 as in the paper; one that falls on a step with a single
// deliverable message (a forced step: a run of the model is mostly call and return, one message in
// flight; about half of a pct run's steps) moves forward to the next step with a choice. There,
// as in Coyote, the highest-priority thread takes the point's low priority before the choice, so
// that another thread runs at that very step. Counted over all steps (as before), a point on a
// forced step changed nothing. Measured on exit-with-mmap (k = 140), 1000 schedules each, d = 3:
// the fault-pin use-after-free is hit by 22% of schedules against 10% before, the missing release
// flush by 31% against 26%. Drawing points uniformly among the choice steps instead gave 10–11%
// and 27–30%; dropping each thread below all earlier ones (Coyote) rather than to the point's
// drawn priority (the paper), 14% and 35%. Moving forward favours the first choice after a long forced stretch (the start of the
// next kernel operation), which is where the races begin.
//
// The default depth is 4: at d = 2, 3, 4, 5, 6 (1000 schedules each) the missing release flush is
// hit by 22%, 31%, 36%, 42%, 48% of schedules and the fault-pin use-after-free by 21%, 22%, 22%,
// 19%, 18% (random: 46% and 2%). The first wants many change points, the second few.
//
// A thread here is a channel (sender → receiver, or a sender's lane). A channel's messages are one
// sender's program order towards one receiver, taken in order as a thread's steps are. An actor is
// not a thread: its queued messages come from different kernel threads (the prq thread's
// handle_mm_fault and the exiting task's exit_mmap steps both go to mm#1), and their order at the
// receiver is exactly the race to find. Measured on exit-with-mmap at d = 1 (priorities only),
// 400 schedules each: the fault-pin use-after-free is hit by 6.5% of schedules with channels and
// by none with the receiver, the sender or the kernel thread (the `ctx` a call carries) as thread;
// the missing release flush by 24% with channels against 8–15% with the others.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { channelOf } from '../runtime/types.ts';
import { mixSeed } from './seed.ts';
import type { Strategy } from './strategy.ts';

export interface PctOptions {
  /** d: the bug depth targeted; d−1 priority change points. */
  depth: number;
  /** k: the expected number of steps of a run (change points are drawn from [0, k)). */
  steps: number;
}

export const DEFAULT_DEPTH = 4;

/** d−1 distinct steps of [0, k), ascending, each with its low priority: the i-th drawn gets i
 * (fewer points when k < d−1). */
function changePoints(rng: ReturnType<typeof xoroshiro128plus>, depth: number, steps: number): { at: number; low: number }[] {
  const want = Math.min(depth - 1, Math.max(0, steps));
  const points = new Map<number, number>();
  while (points.size < want) {
    const at = uniformInt(rng, 0, steps - 1);
    if (!points.has(at)) points.set(at, points.size + 1);
  }
  return [...points].map(([at, low]) => ({ at, low })).sort((a, b) => a.at - b.at);
}

export function pct(o: PctOptions): Strategy {
  let rng = xoroshiro128plus(0);
  const prio = new Map<string, number>();
  let points: { at: number; low: number }[] = [];
  /** Change points reached so far; those not yet applied wait for a step with a choice. */
  let reached = 0;
  let applied = 0;
  const SPAN = 0x3fffffff;
  const highest = (chs: readonly string[]) => {
    let best = 0;
    for (let i = 1; i < chs.length; i++) if (prio.get(chs[i]!)! > prio.get(chs[best]!)!) best = i;
    return best;
  };
  return {
    name: 'pct',
    beginRun(seed) {
      rng = xoroshiro128plus(mixSeed(seed));
      prio.clear();
      points = changePoints(rng, o.depth, o.steps);
      reached = 0;
      applied = 0;
    },
    pick(enabled, step) {
      const chs = enabled.map((m) => {
        const ch = channelOf(m);
        // A thread first seen gets a random initial priority above every change point's:
        // drawing them as threads appear gives the same uniform random order as a permutation.
        if (!prio.has(ch)) prio.set(ch, o.depth + uniformInt(rng, 0, SPAN) / (SPAN + 1));
        return ch;
      });
      while (reached < points.length && points[reached]!.at <= step) reached++;
      if (enabled.length > 1 && applied < reached) {
        prio.set(chs[highest(chs)]!, points[applied++]!.low);
      }
      return highest(chs);
    },
  };
}
