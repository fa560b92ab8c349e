// Hash-consing: each distinct key (a JSON text) gets a small integer id, in order of first sight.
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
