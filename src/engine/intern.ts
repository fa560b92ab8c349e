// Hash-consing: each distinct key (a JSON text) gets a small integer id, in order of first sight; and
// a map of integers kept in plain arrays.
import type { Fp } from './hash.ts';
import { fmix32 } from '../hash.ts';
export class Interner<V = undefined> {
  private readonly ids = new Map<string, number>();
  readonly values: V[] = [];

  get size(): number {
    return this.values.length;
  }

  /** The id of `key`, and whether it is new (then `value()` made what values[id] holds). */
  intern(key: string, value?: () => V): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(key, id);
      this.values.push(value ? value() : (undefined as V));
    }
    return id;
  }
}

/** Hash-consing that keeps no key: ids by the key's 64-bit hash, each match checked against the
 * key `keyOf` recomputes from the value kept, so two keys with one hash still get two ids. For keys
 * much longer than their values' share of memory (a state's JSON text against its snapshot). */
export class HashInterner<V> {
  /** By the hash's high half (a small integer, so a key costs no string): the id, or the ids. */
  private readonly ids = new Map<number, number | number[]>();
  readonly values: V[] = [];

  constructor(private readonly keyOf: (v: V) => string) {}

  get size(): number {
    return this.values.length;
  }

  /** The id of `key` (`hash` is its strHash, which the caller has made anyway). */
  intern(key: string, hash: Fp, value: () => V): number {
    const h = hash.hi | 0;
    const got = this.ids.get(h);
    const bucket = got === undefined ? [] : typeof got === 'number' ? [got] : got;
    for (const id of bucket) if (this.keyOf(this.values[id]!) === key) return id;
    const id = this.values.length;
    this.values.push(value());
    this.ids.set(h, bucket.length ? [...bucket, id] : id);
    return id;
  }
}

/** A map from integers in [0, 2^53) to small non-negative integers, open addressing in two plain
 * arrays (doubles and small integers, both held unboxed): no boxed key or entry per element, where
 * a Map boxes each key past 2^31 (the transition table's keys). */
export class NumberMap {
  private keys: number[] = new Array<number>(16).fill(-1);
  private vals: number[] = new Array<number>(16).fill(0);
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(k: number): number | undefined {
    const mask = this.keys.length - 1;
    for (let i = slotOf(k) & mask; ; i = (i + 1) & mask) {
      const x = this.keys[i]!;
      if (x === k) return this.vals[i];
      if (x === -1) return undefined;
    }
  }

  set(k: number, v: number): void {
    if ((this.count + 1) * 4 > this.keys.length * 3) this.grow();
    const mask = this.keys.length - 1;
    for (let i = slotOf(k) & mask; ; i = (i + 1) & mask) {
      const x = this.keys[i]!;
      if (x === k || x === -1) {
        if (x === -1) this.count++;
        this.keys[i] = k;
        this.vals[i] = v;
        return;
      }
    }
  }

  /** Twice the slots, every key placed again. */
  private grow(): void {
    const [keys, vals] = [this.keys, this.vals];
    this.keys = new Array<number>(keys.length * 2).fill(-1);
    this.vals = new Array<number>(keys.length * 2).fill(0);
    this.count = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) this.set(keys[i]!, vals[i]!);
  }
}

/** A key's first slot: its two 32-bit halves mixed. */
const slotOf = (k: number): number => fmix32((k >>> 0) ^ Math.imul(Math.floor(k / 2 ** 32), 0x9e3779b1));
