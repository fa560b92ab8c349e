// dfs on tiny synthetic worlds, where the number of schedules is known by hand (shuttle-style:
// the exact count is what shows a reduction works, and that it does not lose any schedule).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dfs, type Reduction } from '../../src/scheduler/dfs.ts';
import { exhaust, send, syntheticWorld } from '../explore/synthetic.ts';
import { arbWorld } from '../explore/worlds.ts';

/** `src` sends one message to each of n actors: n! orders, all equivalent. */
const independent = (n: number) =>
  syntheticWorld({ src: { start: { sends: Array.from({ length: n }, (_, i) => send(`a${i}`, 'm')) } }, ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, {}])) });
/** n senders, one message each, to one receiver: n! orders, none equivalent. */
const oneReceiver = (n: number) => syntheticWorld({ r: {}, ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, { start: { sends: [send('r', `m${i}`)] } }])) });

const run = async (world: ReturnType<typeof syntheticWorld>, reduction: Reduction, o: { reorder?: boolean; preemptionBound?: number } = {}) => {
  const s = dfs({ reduction, reorder: o.reorder, preemptionBound: o.preemptionBound });
  const orders = await exhaust(world, s, o);
  return { orders, stats: s.stats };
};

describe('dfs: exact schedule counts', () => {
  it.each([2, 3, 4])('%i independent deliveries: n! without reduction, one with dpor', async (n) => {
    const fact = [1, 1, 2, 6, 24][n]!;
    const none = await run(independent(n), 'none');
    expect(none.orders.length).toBe(fact);
    expect(new Set(none.orders).size).toBe(fact);
    const sleep = await run(independent(n), 'sleep');
    // Sleep sets run one schedule to the end and cut 2^(n-1) - 1 others short when blocked.
    expect([sleep.orders.length, sleep.stats.blocked]).toEqual([1, 2 ** (n - 1) - 1]);
    const dpor = await run(independent(n), 'dpor');
    expect([dpor.orders.length, dpor.stats.blocked, dpor.stats.exhausted]).toEqual([1, 0, true]);
  });

  it.each(['none', 'sleep', 'dpor'] as const)('n deliveries to one receiver: n! under %s', async (reduction) => {
    const r = await run(oneReceiver(3), reduction);
    expect(r.orders.length).toBe(6);
    expect(new Set(r.orders).size).toBe(6);
  });

  it('two independent pairs of racing messages: 2 × 2 classes out of 4! orders', async () => {
    const world = () => syntheticWorld({ r: {}, q: {}, s1: { start: { sends: [send('r', 'a')] } }, s2: { start: { sends: [send('r', 'b')] } }, t1: { start: { sends: [send('q', 'c')] } }, t2: { start: { sends: [send('q', 'd')] } } });
    expect((await run(world(), 'none')).orders.length).toBe(24);
    const dpor = await run(world(), 'dpor');
    expect(dpor.orders.length).toBe(4);
    const perReceiver = (o: string) => ['r', 'q'].map((x) => o.split(' ').filter((d) => d.startsWith(`${x}:`)).join(' ')).join(' | ');
    expect(new Set(dpor.orders.map(perReceiver)).size).toBe(4);
  });

  it('a reply races only with what it can overtake: P→Q, Q→R (caused) and S→R', async () => {
    const world = () => syntheticWorld({ p: { start: { sends: [send('q', 'call')] } }, q: { on: () => ({ sends: [send('r', 'ret')] }) }, r: {}, s: { start: { sends: [send('r', 'x')] } } });
    // Three interleavings (call before ret), two orders at r.
    expect((await run(world(), 'none')).orders.length).toBe(3);
    expect((await run(world(), 'dpor')).orders.length).toBe(2);
  });

  it('deliveries to different actors that touch one object are dependent (KASAN reads the order)', async () => {
    const world = (shared: boolean) =>
      syntheticWorld({
        src: { start: { sends: [send('x', 'free'), send('y', 'use')] } },
        x: { on: () => ({ effects: [{ op: 'free', obj: 'page#1', kind: 'page' }] }) },
        y: { on: () => ({ effects: [{ op: 'access', obj: shared ? 'page#1' : 'page#2', how: 'dma-write' }] }) },
      });
    expect((await run(world(true), 'dpor')).orders).toEqual(['x:free y:use', 'y:use x:free']);
    expect((await run(world(false), 'dpor')).orders).toEqual(['x:free y:use']);
  });

  it('channels stay FIFO unless reorder: 3 orders of a1<a2 and b at one receiver, 6 with reorder', async () => {
    const world = () => syntheticWorld({ r: {}, a: { start: { sends: [send('r', 'a1'), send('r', 'a2')] } }, b: { start: { sends: [send('r', 'b')] } } });
    expect((await run(world(), 'dpor')).orders.length).toBe(3);
    expect((await run(world(), 'none')).orders.length).toBe(3);
    expect((await run(world(), 'dpor', { reorder: true })).orders.length).toBe(6);
    expect((await run(world(), 'none', { reorder: true })).orders.length).toBe(6);
  });

  it('a preemption bound keeps the schedules with at most P preemptions', async () => {
    // q's delivery of `call` sends `ret`: going on with it continues that thread; delivering `x`
    // instead is a preemption. Orders: x·call·ret (0), call·ret·x (0), call·x·ret (1).
    const world = () => syntheticWorld({ p: { start: { sends: [send('q', 'call')] } }, q: { on: () => ({ sends: [send('r', 'ret')] }) }, r: {}, s: { start: { sends: [send('t', 'x')] } }, t: {} });
    const b0 = await run(world(), 'none', { preemptionBound: 0 });
    expect(b0.orders.sort()).toEqual(['q:call r:ret t:x', 't:x q:call r:ret']);
    expect(b0.stats.overBound).toBe(1);
    expect((await run(world(), 'none', { preemptionBound: 1 })).orders.length).toBe(3);
    // With sleep sets the three are one class.
    expect((await run(world(), 'sleep', { preemptionBound: 1 })).orders.length).toBe(1);
  });

  it('dpor refuses a preemption bound (unsound together)', () => {
    expect(() => dfs({ reduction: 'dpor', preemptionBound: 1 })).toThrow(/unsound/);
  });
});

/** A Mazurkiewicz class here: what each receiver got, in order (deliveries to one receiver are
 * the only dependent ones). */
const classOf = (order: string) => {
  const by = new Map<string, string[]>();
  for (const d of order.split(' ')) {
    const [to] = d.split(':');
    by.set(to!, [...(by.get(to!) ?? []), d]);
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v.join(',')).join(' | ');
};

describe('dfs: reductions lose no class of schedules', () => {
  it('on random small worlds, sleep and dpor each run every class once', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, async (actors) => {
        const full = await exhaust(syntheticWorld(actors), dfs({ reduction: 'none' }), { limit: 5000 });
        const classes = new Set(full.map(classOf));
        for (const reduction of ['sleep', 'dpor'] as const) {
          const got = (await exhaust(syntheticWorld(actors), dfs({ reduction }))).map(classOf);
          expect(new Set(got)).toEqual(classes);
          expect(got.length).toBe(classes.size);
        }
      }),
      { numRuns: 40, seed: 42 },
    );
  });

  it('a search shared out among jobs covers what one job covers', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, async (actors) => {
        const one = new Set((await exhaust(syntheticWorld(actors), dfs())).map(classOf));
        const shared = new Set<string>();
        for (let owner = 0; owner < 3; owner++) {
          for (const o of await exhaust(syntheticWorld(actors), dfs({ split: { owner, owners: 3, level: 1 } }))) shared.add(classOf(o));
        }
        expect(shared).toEqual(one);
      }),
      { numRuns: 30, seed: 7 },
    );
  });

  it('each run of a shared-out search is counted by exactly one job, replays below the split included (issue 29 F11)', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, async (actors) => {
        const ran = new Set<string>();
        const counted: string[] = [];
        for (let owner = 0; owner < 3; owner++) {
          const s = dfs({ split: { owner, owners: 3, level: 1 } });
          await exhaust(syntheticWorld(actors), s, { onRun: (order) => (ran.add(order), s.mine && counted.push(order)) });
        }
        expect(counted.sort()).toEqual([...ran].sort());
      }),
      { numRuns: 30, seed: 7 },
    );
  });
});
