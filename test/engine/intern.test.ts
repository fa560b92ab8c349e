import { describe, expect, it } from 'vitest';
import { HashInterner, Interner, NumberMap } from '../../src/engine/intern.ts';
import { strHash } from '../../src/engine/hash.ts';

describe('Interner', () => {
  it('gives each distinct key one id, in order of first sight', () => {
    const i = new Interner<string>();
    expect([i.intern('a', () => 'A'), i.intern('b', () => 'B'), i.intern('a', () => 'X')]).toEqual([0, 1, 0]);
    expect(i.values).toEqual(['A', 'B']);
  });
});

describe('HashInterner', () => {
  const make = () => new HashInterner<{ key: string }>((v) => v.key);

  it('finds a key again by its hash and the key its value gives back', () => {
    const i = make();
    const a = i.intern('a', strHash('a'), () => ({ key: 'a' }));
    const b = i.intern('b', strHash('b'), () => ({ key: 'b' }));
    expect(i.intern('a', strHash('a'), () => ({ key: 'a' }))).toBe(a);
    expect([a, b, i.size]).toEqual([0, 1, 2]);
  });

  it('gives two keys that share a hash two ids (a collision is checked, not trusted)', () => {
    const i = make();
    const h = strHash('same');
    const ids = ['x', 'y', 'z'].map((k) => i.intern(k, h, () => ({ key: k })));
    expect(ids).toEqual([0, 1, 2]);
    expect(['z', 'x', 'y'].map((k) => i.intern(k, h, () => ({ key: k })))).toEqual([2, 0, 1]);
    expect(i.size).toBe(3);
  });
});

describe('NumberMap', () => {
  it('keeps what a Map keeps, for keys past 2^31 and past 2^32 too, as it grows', () => {
    const m = new NumberMap();
    const ref = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const k = (i % 97) * 2 ** 26 + ((i * 7919) % 5003);
      m.set(k, i);
      ref.set(k, i);
    }
    expect(m.size).toBe(ref.size);
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    expect([m.get(2 ** 40 + 1), m.get(0 + 5004)]).toEqual([undefined, undefined]);
  });

  it('tells apart keys that share their low 32 bits', () => {
    const m = new NumberMap();
    m.set(7, 1);
    m.set(7 + 2 ** 32, 2);
    m.set(7 + 2 ** 33, 3);
    expect([m.get(7), m.get(7 + 2 ** 32), m.get(7 + 2 ** 33), m.size]).toEqual([1, 2, 3, 3]);
  });
});
