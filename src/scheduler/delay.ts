// delay: delay-bounded scheduling (Emmi, Qadeer, Rakamarić, "Delay-Bounded Scheduling", POPL
// 2011), with the delays placed at random as in Coyote's random delay-bounding strategy. A
// deterministic scheduler runs the threads without preemption, in the order they first appear (a
// round-robin list): the current thread runs while it has a message deliverable, then the next one
// in the list that does. A delay skips the thread about to run for the next one in the list. With
// b delays, every schedule of a program is reached by some placement of at most b delays when the
// program needs b deviations from the deterministic order; b random delays among k steps reach a
// given placement with probability about 1/k^b, the same shape as PCT's bound.
//
// A thread is a link (both directions between two actors), as for pct: see ./pct.ts. The delays
// are b distinct steps of [0, k); one that falls on a step with a single deliverable thread moves
// on to the next step with a choice (a delay there would change nothing), as pct's change points do.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { linkOf } from '../runtime/types.ts';
import { mixSeed } from './seed.ts';
import type { Strategy } from '../runtime/strategy.ts';

export interface DelayOptions {
  /** b: the number of delays. */
  delays: number;
  /** k: the expected number of steps of a run (delays are drawn from [0, k)). */
  steps: number;
}

/** b distinct steps of [0, k), ascending (fewer when k < b). */
function delaySteps(rng: ReturnType<typeof xoroshiro128plus>, delays: number, steps: number): number[] {
  const want = Math.min(delays, Math.max(0, steps));
  const at = new Set<number>();
  while (at.size < want) at.add(uniformInt(rng, 0, steps - 1));
  return [...at].sort((a, b) => a - b);
}

export function delayBounding(o: DelayOptions): Strategy {
  let rng = xoroshiro128plus(0);
  /** The threads in the order they first appeared: the round-robin list. */
  const order: string[] = [];
  const known = new Set<string>();
  let current = 0;
  let points: number[] = [];
  /** Delays reached so far and not yet taken (they wait for a step with a choice). */
  let due = 0;
  /** The first thread at or after list position `from` (cyclically) with a message in `ths`. */
  const nextFrom = (from: number, ths: readonly string[]): number => {
    for (let j = 0; j < order.length; j++) {
      const c = (from + j) % order.length;
      if (ths.includes(order[c]!)) return c;
    }
    return from;
  };
  return {
    name: 'delay',
    beginRun(seed) {
      rng = xoroshiro128plus(mixSeed(seed));
      order.length = 0;
      known.clear();
      current = 0;
      points = delaySteps(rng, o.delays, o.steps);
      due = 0;
    },
    pick(enabled, step) {
      const ths = enabled.map(linkOf);
      for (const t of ths) if (!known.has(t)) (known.add(t), order.push(t));
      while (points.length && points[0]! <= step) (points.shift(), due++);
      current = nextFrom(current, ths);
      if (due > 0 && ths.some((t) => t !== ths[0])) {
        due--;
        current = nextFrom(current + 1, ths);
      }
      return ths.indexOf(order[current]!);
    },
  };
}
