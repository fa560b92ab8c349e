// SPIN's bitstate hashing ("supertrace": Holzmann, "An improved protocol reachability analysis
// technique", Software: Practice and Experience 18(2), 1988): the visited set is an array of 2^bits
// bits, and a state is marked by k of them, k hashes of its 64-bit fingerprint (double hashing,
// h1 + i·h2: Kirsch and Mitzenmacher, "Less hashing, same performance", 2006). A state whose k
// bits are all set already is taken as visited, rightly or by a collision: the search may miss
// states (and what lies beyond them), and never reports one it did not reach. So a bitstate
// search is never `exhausted`; it reports its coverage instead, as SPIN does: the hash factor
// (bits per state stored) and the expected share of the states reached that a collision hid.
import { fmix32 } from '../hash.ts';
import type { Fp } from '../engine/hash.ts';
import type { StateStore } from './visited.ts';

/** SPIN's default number of hash functions for bitstate (-k3). */
export const DEFAULT_HASHES = 3;
/** log2 of the bit array: 2^10 bits (128 B) to 2^34 bits (2 GB). */
export const BITSTATE_RANGE = { min: 10, max: 34 } as const;

export interface BitstateStats {
  /** log2 of the bit array's size, the hashes per state, the seed of the hashes (a swarm member's). */
  bits: number;
  hashes: number;
  seed: number;
  /** States stored (found new), bits set, and bits per state stored (SPIN's hash factor). */
  stored: number;
  setBits: number;
  hashFactor: number;
  /** Expected states among those reached that a collision hid: each state stored while a share f
   * of the bits was set stands for 1/(1 - f^k) arrivals at new states, f^k/(1 - f^k) of them lost
   * (Holzmann, "An analysis of bitstate hashing", Formal Methods in System Design 13(3), 1998). */
  expectedMissed: number;
  /** stored / (stored + expectedMissed): the expected coverage of the states reached. */
  coverage: number;
}

export interface BitstateStore extends StateStore {
  stats(): BitstateStats;
}

export function bitstateStore(bits: number, hashes = DEFAULT_HASHES, seed = 0): BitstateStore {
  const size = 2 ** bits;
  const words = new Uint32Array(Math.ceil(size / 32));
  let stored = 0;
  let setBits = 0;
  let missed = 0;
  const r = { id: -1, fresh: false };
  const positions = new Float64Array(hashes);
  return {
    get size() {
      return stored;
    },
    get bytes() {
      return words.byteLength;
    },
    claim(fp: Fp) {
      // Two hashes of the fingerprint and the seed, 44 bits each (b odd, so the k positions
      // differ); a + i·b stays below 2^53, exact in a double.
      const h1 = (fmix32((fp.lo ^ Math.imul(seed + 1, 0x9e3779b1)) >>> 0) ^ fp.hi) >>> 0;
      const h2 = (fmix32((fp.hi ^ Math.imul(seed + 1, 0x85ebca6b)) >>> 0) ^ fp.lo) >>> 0;
      const a = h1 * 4096 + (h2 >>> 20);
      const b = h2 * 4096 + ((h1 >>> 20) | 1);
      let all = true;
      for (let i = 0; i < hashes; i++) {
        const p = (a + i * b) % size;
        positions[i] = p;
        if (!(words[Math.floor(p / 32)]! & (1 << p % 32))) all = false;
      }
      r.fresh = !all;
      if (all) return r;
      const f = setBits / size;
      const q = f ** hashes;
      missed += q / (1 - q);
      for (let i = 0; i < hashes; i++) {
        const p = positions[i]!;
        const w = Math.floor(p / 32);
        const b = 1 << p % 32;
        if (!(words[w]! & b)) {
          words[w]! |= b;
          setBits++;
        }
      }
      stored++;
      return r;
    },
    stats: () => ({ bits, hashes, seed, stored, setBits, hashFactor: Number((size / Math.max(1, stored)).toFixed(1)), expectedMissed: Number(missed.toFixed(3)), coverage: stored ? stored / (stored + missed) : 1 }),
  };
}
