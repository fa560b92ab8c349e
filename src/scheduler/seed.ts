// Seeds for xoroshiro128+: adjacent small seeds give it nearly equal first draws (seeds 0…5 →
// uniformInt(0, 2^30−1) = 1073741823, 1073741822, …), so schedule i would start like schedule
// i+1. A bijective 32-bit mix (murmur3's finalizer) spreads them first.
export function mixSeed(seed: number): number {
  let h = seed >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
