// A context kept small: its JSON text deflated against a dictionary (the text of another context of
// the same actor, which most of it repeats), as a one-byte string. Only a context that comes back
// exactly (the same plain data: key order, undefined fields, numbers as Object.is compares them) is
// packed; fields the caller names are left out of the text and taken back from a base context.
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** What an undefined field is written as (JSON would drop it). */
const UNDEFINED = '\u0000undefined';
/** What a field taken from the base is written as. */
const FROM_BASE = '\u0000base';

export interface Packing {
  /** The context the dictionary was made from; `omit`'s fields come back from it. */
  base: Record<string, unknown>;
  dictionary: Buffer;
  omit: readonly string[];
}

export function packing(base: Record<string, unknown>, omit: readonly string[] = []): Packing {
  return { base, dictionary: Buffer.from(textOf(base, base, omit)), omit };
}

function textOf(ctx: Record<string, unknown>, base: Record<string, unknown>, omit: readonly string[]): string {
  return JSON.stringify(ctx, function (this: unknown, k: string, v: unknown) {
    if (this === ctx && omit.includes(k) && v === base[k]) return FROM_BASE;
    return v === undefined ? UNDEFINED : v;
  });
}

/** The context packed, or null if it would not come back exactly. */
export function pack(p: Packing, ctx: Record<string, unknown>): string | null {
  for (const k of p.omit) if (ctx[k] !== p.base[k]) return null;
  const s = deflateRawSync(textOf(ctx, p.base, p.omit), { dictionary: p.dictionary }).toString('latin1');
  return sameData(unpack(p, s), ctx) ? s : null;
}

export function unpack(p: Packing, s: string): Record<string, unknown> {
  const ctx = JSON.parse(inflateRawSync(Buffer.from(s, 'latin1'), { dictionary: p.dictionary }).toString()) as Record<string, unknown>;
  for (const k of p.omit) if (ctx[k] === FROM_BASE) ctx[k] = p.base[k];
  return undefine(ctx, p.omit);
}

/** The sentinel fields made undefined again (in place: the value is fresh from JSON.parse). */
function undefine<T>(v: T, skip: readonly string[] = []): T {
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (skip.includes(k)) continue;
    if (o[k] === UNDEFINED) o[k] = undefined;
    else undefine(o[k]);
  }
  return v;
}

/** The same plain data: arrays and plain objects with the same keys in order, equal leaves. */
export function sameData(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || !plainObject(a)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

const plainObject = (o: object): boolean => {
  const p = Object.getPrototypeOf(o);
  return p === Object.prototype || p === Array.prototype || p === null;
};
