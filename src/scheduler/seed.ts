// Seeds for xoroshiro128+: adjacent small seeds give it nearly equal first draws (seeds 0…5 →
// uniformInt(0, 2^30−1) = 1073741823, 1073741822, …), so schedule i would start like schedule
// i+1. A bijective 32-bit mix (murmur3's finalizer) spreads them first.
import { fmix32 } from '../hash.ts';

export const mixSeed = (seed: number): number => fmix32(seed >>> 0);
