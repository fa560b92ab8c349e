// Fingerprint arithmetic: 64-bit hashes as two 32-bit halves (no BigInt on the hot path). A global
// state's fingerprint is the XOR of its components (Zobrist hashing: A. L. Zobrist, "A New Hashing
// Method with Application for Game Playing", 1970): one per actor (its state) and one per non-empty
// channel (its messages in order). A delivery changes a few components; the fingerprint is updated
// by XOR-ing each one out and in again, never recomputed whole. Components hash content (a state's
// JSON text, an event's, a channel's name), never interning order: every job and every machine
// gives one state one fingerprint, so visited sets can be shared.

import { fmix32 } from '../hash.ts';


/** A 64-bit fingerprint, mutable: `hi` and `lo` are unsigned 32-bit halves. */
export interface Fp {
  hi: number;
  lo: number;
}

/** A string's 64-bit hash: two independent 32-bit multiplicative hashes, finalized. */
export function strHash(s: string): Fp {
  let a = 0x811c9dc5;
  let b = 0x6a09e667 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return { hi: fmix32(a ^ Math.imul(b, 0x9e3779b1)), lo: fmix32(b + 0x7f4a7c15) };
}

/** XOR the component of actor `a` (its index in the world) in a state hashing to `h` into `fp`. */
export function xorActor(fp: Fp, a: number, h: Fp): void {
  fp.hi = (fp.hi ^ fmix32(h.hi ^ fmix32(a + 0x27d4eb2f))) >>> 0;
  fp.lo = (fp.lo ^ fmix32(h.lo + Math.imul(a + 1, 0x165667b1))) >>> 0;
}

/** XOR the component of channel `c` (its name's hash) holding `items` (in order, each hashed by
 * `hashOf`) into `fp`. An empty channel has no component. */
export function xorChannel<T>(fp: Fp, c: Fp, items: readonly T[], hashOf: (x: T) => Fp): void {
  if (!items.length) return;
  let hi = c.hi;
  let lo = c.lo;
  for (let i = 0; i < items.length; i++) {
    const e = hashOf(items[i]!);
    hi = fmix32((hi ^ e.hi) + 0x9e3779b9);
    lo = fmix32(Math.imul(lo ^ e.lo, 0x27d4eb2f) + 1);
  }
  fp.hi = (fp.hi ^ hi) >>> 0;
  fp.lo = (fp.lo ^ lo) >>> 0;
}
