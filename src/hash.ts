// The hash functions every layer shares, written once: FNV-1a over a string (the work split's
// owner of a branch, a feature's bucket) and murmur3's 32-bit finalizer (seeds, fingerprints).
// Both are part of what makes a search deterministic: changing either changes which job owns a
// branch and which schedule a seed gives.

/** FNV-1a, 32 bits (Fowler, Noll, Vo). */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: a bijection that mixes every input bit into every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
