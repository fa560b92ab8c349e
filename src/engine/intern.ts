// Hash-consing: each distinct key (a JSON text) gets a small integer id, in order of first sight.
import type { Fp } from './hash.ts';
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
