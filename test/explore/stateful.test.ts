// The stateful dfs (src/explore/stateful.ts) on tiny synthetic worlds, where states, transitions and
// schedules can be counted by hand, and against the stateless search without reduction: it must
// reach the same end states, judge the same violations, and stand for exactly as many schedules.
import fc from 'fast-check';
import { MUNMAP_CLOSE_ALIVE as E } from '../expected.ts';
import { describe, expect, it } from 'vitest';
import { statefulSearch, type Leaf, type StatefulOptions } from '../../src/explore/stateful.ts';
import { schedulesOf } from '../../src/explore/graph.ts';
import { sharedVisited, SharedVisited } from '../../src/explore/visited.ts';
import { judge } from '../../src/oracles/index.ts';
import { dfs } from '../../src/scheduler/dfs.ts';
import { exhaust, send, syntheticWorld, type SynthActor } from './synthetic.ts';
import { arbWorld } from './worlds.ts';

const search = async (actors: Record<string, SynthActor>, o: Partial<StatefulOptions> = {}) => {
  const w = syntheticWorld(actors);
  const leaves: Leaf[] = [];
  const stats = await statefulSearch({ specs: w.specs, transport: w.transport, maxSteps: 100, reorder: false, onLeaf: (l) => void leaves.push(kept(l)), ...o });
  return { stats, leaves };
};
/** A leaf's trace and choices are the search's own until onLeaf returns: keep copies. */
const kept = (l: Leaf): Leaf => {
  const [t, c, v] = [l.trace(), l.choices(), l.violations()];
  return { ...l, trace: () => t, choices: () => c, violations: () => v };
};
const ends = (leaves: Leaf[]) => new Set(leaves.filter((l) => !l.cut).map((l) => JSON.stringify(l.views)));
const oracles = (leaves: Leaf[]) => new Set(leaves.flatMap((l) => l.oracles));

/** `src` sends one message to each of n actors: any subset may have arrived. */
const independent = (n: number) => ({ src: { start: { sends: Array.from({ length: n }, (_, i) => send(`a${i}`, 'm')) } }, ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, {}])) });

describe('stateful dfs: exact counts', () => {
  it.each([2, 3, 4])('%i independent deliveries: 2^n states, n·2^(n-1) transitions, n! schedules', async (n) => {
    const { stats, leaves } = await search(independent(n));
    const fact = [1, 1, 2, 6, 24][n]!;
    expect(stats).toMatchObject({ states: 2 ** n, transitions: n * 2 ** (n - 1), paths: fact, complete: 1, exhausted: true });
    // Every transition but those of the spanning tree ends a run at a state seen before.
    expect(stats.revisits).toBe(stats.transitions - (stats.states - 1));
    expect(leaves.filter((l) => !l.cut)).toHaveLength(1);
  });

  it('a run cut at a known state is judged for its steps, not for its end', async () => {
    // a0 and a1 both receive; the second order reaches the end state again: it is cut, and a cut
    // run at quiescence with an actor's object alive must not be called a leak or stuck.
    const { leaves } = await search(independent(2));
    const cut = leaves.filter((l) => l.cut);
    expect(cut.length).toBe(1);
    expect(cut[0]!.quiescent).toBe(true);
    expect(cut[0]!.oracles).toEqual([]);
    expect(judge({ trace: cut[0]!.trace(), views: [], quiescent: true, cut: true }, 100).violations).toEqual([]);
  });

  it('finds the order in which a page is used after it is freed', async () => {
    const actors = (shared: boolean) => ({
      src: { start: { sends: [send('x', 'free'), send('y', 'use')] } },
      x: { on: () => ({ effects: [{ op: 'free' as const, obj: 'page#1', kind: 'page' as const }] }) },
      y: { on: () => ({ effects: [{ op: 'access' as const, obj: shared ? 'page#1' : 'page#2', how: 'dma-write' }] }) },
    });
    expect(oracles((await search(actors(true))).leaves)).toEqual(new Set(['dma-freed']));
    expect(oracles((await search(actors(false))).leaves)).toEqual(new Set());
  });

  it('a step budget ends a run where it is (stuck: no quiescence)', async () => {
    const ping: Record<string, SynthActor> = { a: { start: { sends: [send('b', 'x')] }, on: () => ({ sends: [send('b', 'x')] }) }, b: { on: () => ({ sends: [send('a', 'y')] }) } };
    const { stats, leaves } = await search(ping, { maxSteps: 5 });
    expect(stats).toMatchObject({ exhausted: true, capped: 1 });
    expect(leaves.filter((l) => !l.cut).map((l) => [l.steps, l.quiescent])).toEqual([[5, false]]);
  });

  it('refuses a transport that cannot undo', async () => {
    const w = syntheticWorld(independent(1));
    const { journal: _j, undo: _u, ...plain } = w.transport;
    await expect(statefulSearch({ specs: w.specs, transport: plain, maxSteps: 10, reorder: false, onLeaf: () => {} })).rejects.toThrow(/cannot take deliveries back/);
  });
});

describe('stateful dfs against the unreduced stateless search', () => {
  it('on random small worlds: the same end states and exactly as many schedules', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, fc.boolean(), async (actors, reorder) => {
        const w = syntheticWorld(actors);
        const full = await exhaust(w, dfs({ reduction: 'none', reorder }), { limit: 5000, reorder });
        const { stats, leaves } = await search(actors, { reorder });
        expect(stats.exhausted).toBe(true);
        expect(stats.paths).toBe(full.length);
        const fullEnds = new Set<string>();
        for (const order of full) {
          // The synthetic actor's state is how many messages it received.
          const got = new Map<string, number>();
          for (const d of order.split(' ').filter(Boolean)) got.set(d.split(':')[0]!, (got.get(d.split(':')[0]!) ?? 0) + 1);
          fullEnds.add(JSON.stringify(Object.keys(actors).map((id) => ({ id, kind: 'synthetic', state: String(got.get(id) ?? 0), waiting: false }))));
        }
        expect(ends(leaves)).toEqual(fullEnds);
      }),
      { numRuns: 40, seed: 42 },
    );
  });

  it('shared out among jobs with one visited set: each state expanded once, every schedule counted once', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, fc.integer({ min: 0, max: 3 }), fc.boolean(), async (actors, level, reorder) => {
        const full = await exhaust(syntheticWorld(actors), dfs({ reduction: 'none', reorder }), { limit: 5000, reorder });
        const one = await search(actors, { reorder });
        // A small table, so that the jobs' slots meet; the three run at once, interleaved at
        // every delivery (the synthetic transport answers asynchronously).
        const table = sharedVisited(1 << 10);
        const parts = await Promise.all([0, 1, 2].map((owner) => search(actors, { reorder, split: { owner, owners: 3, level }, shared: { table } })));
        const shared = new Set<string>();
        for (const part of parts) {
          expect(part.stats.exhausted).toBe(true);
          expect(part.stats.graph).toBeDefined();
          for (const e of ends(part.leaves)) shared.add(e);
        }
        expect(shared).toEqual(ends(one.leaves));
        expect(schedulesOf(parts.map((p) => p.stats.graph!))).toBe(full.length);
        // Every job walks the same uncached top; below it, each state is expanded by one job
        // only (as many as the table holds), and they are states the single job expanded too,
        // all of them but those it met in the top only.
        const top = parts[0]!.stats.top!;
        expect(parts.map((p) => p.stats.top)).toEqual([top, top, top]);
        const below = parts.reduce((n, p) => n + p.stats.states - p.stats.top!, 0);
        expect(below).toBe(new SharedVisited(table).size);
        expect(below).toBeLessThanOrEqual(one.stats.states);
        expect(one.stats.states).toBeLessThanOrEqual(below + top);
        if (top === 0) expect(below).toBe(one.stats.states);
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it('a shared visited set that fills up: states past it are kept per job, and counted right', async () => {
    // 8 slots take 5 keys (70%): the rest spill into each job's own map.
    const actors = independent(4);
    const table = sharedVisited(8);
    const parts = await Promise.all([0, 1].map((owner) => search(actors, { split: { owner, owners: 2, level: 0 }, shared: { table } })));
    expect(new SharedVisited(table).size).toBe(5);
    expect(schedulesOf(parts.map((p) => p.stats.graph!))).toBe(24);
    expect(parts.every((p) => p.stats.exhausted)).toBe(true);
  });

  it('shared out among jobs: together they reach every end state and count every schedule once', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, fc.integer({ min: 0, max: 3 }), async (actors, level) => {
        const one = await search(actors);
        const shared = new Set<string>();
        let paths = 0;
        for (let owner = 0; owner < 3; owner++) {
          const part = await search(actors, { split: { owner, owners: 3, level } });
          expect(part.stats.exhausted).toBe(true);
          paths += part.stats.paths;
          for (const e of ends(part.leaves)) shared.add(e);
        }
        expect(shared).toEqual(ends(one.leaves));
        expect(paths).toBe(one.stats.paths);
      }),
      { numRuns: 30, seed: 7 },
    );
  });
});

describe('stateful dfs on the model: undo gives back exactly the run it took back', () => {
  it('every run of munmap-close-alive (complete or cut) replays from the start to the same trace', async () => {
    const { buildWorld } = await import('../../src/scenario/world.ts');
    const { loadScenario } = await import('../../src/scenario/load.ts');
    const { variantByName } = await import('../../src/variants/variants.ts');
    const { inlineTransport } = await import('../../src/runtime/inline.ts');
    const { runSchedule } = await import('../../src/runtime/run.ts');
    const { replay } = await import('../../src/scheduler/replay.ts');
    const world = buildWorld(loadScenario('munmap-close-alive'), variantByName('fixed'));
    const leaves: Leaf[] = [];
    const stats = await statefulSearch({ specs: world.specs, transport: inlineTransport(), maxSteps: 2000, reorder: false, onLeaf: (l) => void leaves.push(kept(l)) });
    expect(stats).toMatchObject({ exhausted: true, states: E.states });
    const fresh = inlineTransport();
    for (const l of leaves) {
      // Each run was reached by backtracking through undo; from the start, the same choices
      // must give the same trace, byte for byte (undo restored every receiver exactly).
      const r = await runSchedule({ specs: world.specs, transport: fresh, strategy: replay(l.choices()), maxSteps: l.steps });
      expect(JSON.stringify(r.trace)).toBe(JSON.stringify(l.trace()));
      expect(r.choices).toEqual(l.choices());
    }
    expect(leaves.length).toBe(E.leaves);
  }, 60_000);
});
