import { describe, expect, it } from 'vitest';
import { HashInterner, Interner } from '../../src/engine/intern.ts';
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
