// probabilistic: the threads run round-robin without preemption (delay bounding's deterministic
// base, ./delay.ts, with no delay), and at each step with a choice, with probability p, one step of
// a uniform walk delivers any deliverable message instead; the base then goes on with its own
// thread. Coyote's probabilistic random strategy has the same shape: mostly one thread on, now and
// then a random switch. It is the one member measured that is good at both kinds of race the bench
// hunts: a thread that must run a long stretch undisturbed while another waits (the missing release
// flush) and two threads that must interleave within a few steps (the missing fault pin). Lower p
// favours the first kind, higher p the second; 0.25 is the balance (docs/results/strategies.md).
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { delayBounding } from './delay.ts';
import { mixSeed } from './seed.ts';
import type { Strategy } from '../runtime/strategy.ts';

/** p without one given: the balance measured (docs/results/strategies.md). */
export const DEFAULT_SWITCH = 0.25;

export function probabilistic(o: { p?: number } = {}): Strategy {
  const permille = Math.round((o.p ?? DEFAULT_SWITCH) * 1000);
  const base = delayBounding({ delays: 0, steps: 0 });
  let rng = xoroshiro128plus(0);
  return {
    name: 'probabilistic',
    beginRun(seed) {
      // A stream of its own, apart from the base's (which draws nothing without delays).
      rng = xoroshiro128plus(mixSeed(seed ^ 0x5bd1e995));
      base.beginRun(seed);
    },
    pick(enabled, step) {
      const i = base.pick(enabled, step);
      if (enabled.length > 1 && uniformInt(rng, 0, 999) < permille) return uniformInt(rng, 0, enabled.length - 1);
      return i;
    },
  };
}
