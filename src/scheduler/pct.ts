// pct: Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
// Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010). Each thread
// gets a random priority; the highest-priority enabled thread runs; at d−1 random steps (the
// change points) the running thread drops below every other. A bug of depth d (d ordering
// constraints) in a run of k steps among n threads is found with probability ≥ 1/(n·k^(d−1)).
//
// Change points go where a choice exists, as in Coyote's PCT (PCTStrategy,
// MovePriorityChangePointForward): the d−1 points are distinct steps drawn uniformly from [0, k),
// each with its low priority 1 … d−1 as in the paper; one that falls on a forced step (one thread
// deliverable: a run of the model is mostly call and return, about half of its steps) moves
// forward to the next step where two threads are. There, as in Coyote, the highest-priority thread
// takes the point's low priority before the choice, so that another thread runs at that very step;
// a point left on a forced step would change nothing. Moving forward favours the first choice
// after a long forced stretch (the start of the next kernel operation), which is where races begin.
// Drawing the points among the choice steps only, or dropping each thread below all earlier ones
// (Coyote) rather than to the point's drawn priority (the paper), did worse at d ≤ 16.
//
// A thread here is a link: the two channels between two actors, a call and its return (a lane's
// messages, such as the scheduler's mmdrop, are a thread of their own). A link's messages are one
// conversation in program order. An actor is not a thread: its queued messages come from different
// kernel threads (the prq thread's handle_mm_fault and the exiting task's exit_mmap steps both go
// to mm#1), and their order at the receiver is the race to find. Links did better than channels
// (one thread per direction), the receiver, the sender, the kernel thread with its returns, causal
// chains (PCTCP) and the event type (docs/results/strategies.md).
//
// The default depth is 4: deeper gains little on the missing flush. The fault in a defunct mm needs
// the prq thread preempted inside a window of 2–4 steps (after find_extend_vma, before
// handle_mm_fault; or the exit between unmap_vmas and remove_vma): (d−1)·w/k at any depth that
// keeps the paper's bound meaningful, which a random walk beats.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { linkOf } from '../runtime/types.ts';
import { mixSeed } from './seed.ts';
import type { Strategy } from '../runtime/strategy.ts';

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
  const highest = (ths: readonly string[]) => {
    let best = 0;
    for (let i = 1; i < ths.length; i++) if (prio.get(ths[i]!)! > prio.get(ths[best]!)!) best = i;
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
      const ths = enabled.map((m) => {
        const th = linkOf(m);
        // A thread first seen gets a random initial priority above every change point's:
        // drawing them as threads appear gives the same uniform random order as a permutation.
        if (!prio.has(th)) prio.set(th, o.depth + uniformInt(rng, 0, SPAN) / (SPAN + 1));
        return th;
      });
      while (reached < points.length && points[reached]!.at <= step) reached++;
      if (applied < reached && ths.some((t) => t !== ths[0])) {
        prio.set(ths[highest(ths)]!, points[applied++]!.low);
      }
      return highest(ths);
    },
  };
}
