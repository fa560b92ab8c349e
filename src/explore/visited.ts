// One visited set for the jobs of one `explore` process (`--jobs J`): a lock-free open-addressing
// hash set in a SharedArrayBuffer, so that a global state is expanded by one job only, whichever
// reaches it first. Separate machines (`--shard k/n`) share no memory and keep their own sets.
//
// A state is kept as its 64-bit fingerprint (src/engine/hash.ts; 0 is reserved for an empty slot),
// as SPIN's hash compaction does: two distinct states collide with probability
// about n²/2^65, negligible for 10^6 states (~3·10^-8; G. J. Holzmann, "An analysis of bitstate
// hashing", FMSD 13(3), 1998; U. Stern and D. L. Dill, "Improved probabilistic verification by
// hash compaction", CHARME 1995). A collision would cut a state never explored.
//
// Insertion claims a slot with Atomics.compareExchange (linear probing, no deletion): exactly one
// job wins each key, and a slot, once written, never changes. The slot's index names the state for
// every job (the state graphs the jobs record are merged on it: see graph.ts).

import type { Fp } from '../engine/hash.ts';

/** 2^22 slots: 32 MB. */
export const DEFAULT_SLOTS = 1 << 22;
/** Beyond this load the table takes no new keys (probes grow long): a job keeps the states it
 * cannot insert in a map of its own, and other jobs may then expand them again. */
const MAX_LOAD = 0.7;

/** A table for `slots` states (a power of two): the keys, then an Int32 count of keys held. */
export function sharedVisited(slots = DEFAULT_SLOTS): SharedArrayBuffer {
  if (slots < 2 || (slots & (slots - 1)) !== 0) throw new Error(`visited-set slots must be a power of two, not ${slots}`);
  return new SharedArrayBuffer(slots * 8 + 8);
}

/** What claim() says: a slot this call took (>= 0), a slot another claim took (seen(r) >= 0), or
 * FULL: the key is not in the table and the table takes no more. */
export const FULL = -1;
export const seen = (r: number): number => -r - 2;

export class SharedVisited {
  readonly slots: number;
  private readonly keys: BigInt64Array;
  private readonly count: Int32Array;
  private readonly mask: bigint;
  private readonly limit: number;

  constructor(buf: SharedArrayBuffer) {
    this.slots = (buf.byteLength - 8) / 8;
    this.keys = new BigInt64Array(buf, 0, this.slots);
    this.count = new Int32Array(buf, this.slots * 8, 2);
    this.mask = BigInt(this.slots - 1);
    this.limit = Math.floor(this.slots * MAX_LOAD);
  }

  /** Keys held (all jobs). */
  get size(): number {
    return Atomics.load(this.count, 0);
  }

  /** Take `key`'s slot: r >= 0 if this call took slot r, r <= -2 if it was taken (slot seen(r)),
   * FULL if it is absent and the table is too full to take it. */
  claim(key: bigint): number {
    let i = Number(key & this.mask);
    for (;;) {
      const cur = Atomics.load(this.keys, i);
      if (cur === key) return -i - 2;
      if (cur === 0n) {
        if (Atomics.load(this.count, 0) >= this.limit) return FULL;
        const was = Atomics.compareExchange(this.keys, i, 0n, key);
        if (was === 0n) {
          Atomics.add(this.count, 0, 1);
          return i;
        }
        if (was === key) return -i - 2;
      }
      i = (i + 1) & (this.slots - 1);
    }
  }
}

/** Where a search keeps the states it has met: claim() names a state by an id and says whether
 * this search is the first to reach it (and so expands it). The answer may be one object refilled
 * by each claim: read it before the next. `full`: the store takes no new state
 * (its bound); the search then treats the state as met and says it stopped short. */
export interface StateStore {
  claim(fp: Fp): { id: number; fresh: boolean; full?: boolean };
  /** States held, and the bytes they take. */
  readonly size: number;
  readonly bytes: number;
}

/** A fingerprint as the shared table's key: 64 bits, never 0. */
export const keyOf = (fp: Fp): bigint => {
  const k = BigInt.asIntN(64, (BigInt(fp.hi) << 32n) | BigInt(fp.lo));
  return k === 0n ? 1n : k;
};

/** Default bound of one search's own set: 2^24 states (about 400 MB at the last doubling). */
export const DEFAULT_MAX_STATES = 1 << 24;

/** One job's own set: open addressing over the fingerprints' two halves, doubling at half load,
 * ids 0, 1, 2, ... in the order states are first reached. */
export function localStore(maxStates = DEFAULT_MAX_STATES): StateStore {
  let cap = 1 << 12;
  let keys = new Uint32Array(cap * 2);
  let ids = new Int32Array(cap).fill(-1);
  let size = 0;
  const slot = (hi: number, lo: number, k: Uint32Array, is: Int32Array, mask: number): number => {
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    while (is[i] !== -1 && (k[2 * i] !== hi || k[2 * i + 1] !== lo)) i = (i + 1) & mask;
    return i;
  };
  const grow = () => {
    const [ok, oi] = [keys, ids];
    cap *= 2;
    keys = new Uint32Array(cap * 2);
    ids = new Int32Array(cap).fill(-1);
    for (let j = 0; j < oi.length; j++) {
      if (oi[j] === -1) continue;
      const i = slot(ok[2 * j]!, ok[2 * j + 1]!, keys, ids, cap - 1);
      keys[2 * i] = ok[2 * j]!;
      keys[2 * i + 1] = ok[2 * j + 1]!;
      ids[i] = oi[j]!;
    }
  };
  // One answer object, refilled by each claim (read before the next).
  const r = { id: 0, fresh: false, full: false };
  const answer = (id: number, fresh: boolean, full = false) => ((r.id = id), (r.fresh = fresh), (r.full = full), r);
  return {
    get size() {
      return size;
    },
    get bytes() {
      return keys.byteLength + ids.byteLength;
    },
    claim({ hi, lo }) {
      const i = slot(hi, lo, keys, ids, cap - 1);
      if (ids[i] !== -1) return answer(ids[i]!, false);
      if (size >= maxStates) return answer(-1, false, true);
      keys[2 * i] = hi;
      keys[2 * i + 1] = lo;
      ids[i] = size++;
      if (size * 2 > cap) grow();
      return answer(size - 1, true);
    },
  };
}

/** The jobs' shared table; a state it has no room for goes to this job's own set, under an id
 * past the table's slots that no other job uses (owner + owners·n). */
export function sharedStore(buf: SharedArrayBuffer, owner: number, owners: number): StateStore {
  const table = new SharedVisited(buf);
  const spill = localStore();
  return {
    get size() {
      return table.size + spill.size;
    },
    get bytes() {
      return buf.byteLength + spill.bytes;
    },
    claim(fp) {
      const r = table.claim(keyOf(fp));
      if (r !== FULL) return r >= 0 ? { id: r, fresh: true } : { id: seen(r), fresh: false };
      const c = spill.claim(fp);
      return { ...c, id: c.id < 0 ? c.id : table.slots + owners * c.id + owner };
    },
  };
}
