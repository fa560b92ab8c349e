// World i of a fuzz run: drawn from its own generator, seeded by the run's seed and i alone, so
// that world i is the same world however many jobs draw it, in whatever order, and on a campaign's
// workers. Drawn with fast-check's bias for run i (small worlds first, larger ones later), and
// kept with its shrink context, for the world shrinker.
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fmix32 } from '../hash.ts';
import { decode, genesArb, type Bounds, type Genes } from './generate.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface Drawn {
  index: number;
  /** The seed world i's exploration runs with (the portfolio's seed). */
  seed: number;
  genes: fc.Value<Genes>;
  world: Scenario;
}

/** fast-check's bias for run i (its runIdToFrequency): 2 + log10(i+1); the lower, the more
 * the draws lean to small values. */
export const biasOf = (i: number): number => 2 + Math.floor(Math.log10(i + 1));

/** Run seed and world index, mixed (murmur3's finalizer twice: neighbours differ in every bit). */
export const worldSeed = (seed: number, i: number): number => fmix32((fmix32(seed >>> 0) ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);

export function drawWorld(b: Bounds, seed: number, i: number): Drawn {
  const s = worldSeed(seed, i);
  const genes = genesArb(b).generate(new fc.Random(xoroshiro128plus(s)), biasOf(i));
  // The exploration's seeds run up to seed + budget: keep them 32-bit.
  return { index: i, seed: s >>> 1, genes, world: named(decode(genes.value, b), i) };
}

/** The world's name says where it came from. */
export const named = (w: Scenario, i: number): Scenario => ({ ...w, name: `fuzz-${i}` });

/** Worlds 0, 1, 2, ... of a seed, drawn as they are asked for. */
export function* drawnWorlds(b: Bounds, seed: number): Generator<{ index: number; seed: number; world: Scenario; genes: fc.Value<Genes> }> {
  for (let i = 0; ; i++) yield drawWorld(b, seed, i);
}
