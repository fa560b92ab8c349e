// Random small worlds for the searches' property tests (fast-check).
import fc from 'fast-check';
import { send, type SynthActor } from './synthetic.ts';

/** A random world: actors a0..a3; each start and each n-th receipt sends a given list. */
export const arbWorld = fc
  .record({
    start: fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 3 }),
    react: fc.array(fc.tuple(fc.nat(3), fc.nat(2), fc.nat(3)), { maxLength: 3 }),
  })
  .map(({ start, react }) => {
    const actors: Record<string, SynthActor> = {};
    for (let i = 0; i < 4; i++) actors[`a${i}`] = {};
    for (const [from, to] of start) (actors[`a${from}`]!.start ??= { sends: [] }).sends!.push(send(`a${to}`, `s${from}`));
    const table = new Map<string, string[]>();
    for (const [at, nth, to] of react) table.set(`a${at}:${nth}`, [...(table.get(`a${at}:${nth}`) ?? []), `a${to}`]);
    for (let i = 0; i < 4; i++) actors[`a${i}`]!.on = (_e, n) => ({ sends: (table.get(`a${i}:${n}`) ?? []).map((to) => send(to, `r${i}.${n}`)) });
    return actors;
  });

