// random: a seeded uniform choice among the deliverable messages (pure-rand's xoroshiro128+,
// its seed spread by mixSeed so that seeds 0, 1, 2 start differently).
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mixSeed } from './seed.ts';
import type { Strategy } from '../runtime/strategy.ts';

export const random = (): Strategy => {
  let rng = xoroshiro128plus(0);
  return {
    name: 'random',
    beginRun(seed) {
      rng = xoroshiro128plus(mixSeed(seed));
    },
    pick: (enabled) => (enabled.length === 1 ? 0 : uniformInt(rng, 0, enabled.length - 1)),
  };
};
