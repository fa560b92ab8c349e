// The partial-order reduction (--reduction por: src/explore/ample.ts, src/engine/dependence.ts):
// on synthetic worlds it keeps one order of independent deliveries and every order of dependent
// ones; on random worlds and on the small built-ins, on every kernel variant, it reaches the same
// end states and the same verdicts as the full stateful search; a livelock lasso stays (the
// cycle proviso); a counterexample found under it shrinks and replays like any other.
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { replayScheduleFile } from '../../src/explore/replay-file.ts';
import { statefulSearch, type Leaf, type StatefulOptions } from '../../src/explore/stateful.ts';
import type { Reduction } from '../../src/scheduler/dfs.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { SEED_VARIANTS as VARIANTS, variantByName } from '../../src/variants/variants.ts';
import { send, syntheticWorld, type SynthActor } from './synthetic.ts';
import { arbWorld } from './worlds.ts';

const search = async (actors: Record<string, SynthActor>, o: Partial<StatefulOptions> = {}) => {
  const w = syntheticWorld(actors);
  const leaves: { cut: boolean; views: string; oracles: readonly string[] }[] = [];
  const onLeaf = (l: Leaf) => void leaves.push({ cut: l.cut, views: JSON.stringify(l.views), oracles: l.oracles });
  const stats = await statefulSearch({ specs: w.specs, transport: w.transport, maxSteps: 100, reorder: false, onLeaf, ...o });
  return { stats, ends: new Set(leaves.filter((l) => !l.cut).map((l) => l.views)), oracles: new Set(leaves.flatMap((l) => l.oracles)) };
};
const independent = (n: number) => ({ src: { start: { sends: Array.from({ length: n }, (_, i) => send(`a${i}`, 'm')) } }, ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, {}])) });

describe('por on synthetic worlds', () => {
  it.each([2, 3, 4])('%i independent deliveries: one order (n+1 states), the same end state', async (n) => {
    const full = await search(independent(n));
    const por = await search(independent(n), { por: true });
    expect(full.stats.states).toBe(2 ** n);
    expect(por.stats).toMatchObject({ states: n + 1, transitions: n, exhausted: true });
    expect(por.stats.por!.reduced).toBe(n - 1);
    expect(por.ends).toEqual(full.ends);
  });

  it('keeps both orders of a free and a use of one page, one order of two pages', async () => {
    const actors = (shared: boolean) => ({
      src: { start: { sends: [send('x', 'free'), send('y', 'use')] } },
      x: { on: () => ({ effects: [{ op: 'free' as const, obj: 'page#1', kind: 'page' as const }] }) },
      y: { on: () => ({ effects: [{ op: 'access' as const, obj: shared ? 'page#1' : 'page#2', how: 'dma-write' }] }) },
    });
    const shared = await search(actors(true), { por: true });
    expect(shared.oracles).toEqual(new Set(['dma-freed']));
    expect(shared.stats.states).toBe(4);
    const apart = await search(actors(false), { por: true });
    expect(apart.oracles).toEqual(new Set());
    expect(apart.stats.states).toBe(3);
  });

  it('a send that may give the chosen actor a second delivery keeps both orders', async () => {
    // b's delivery sends to a on an empty channel: a's first delivery is not alone ample while
    // b's is in flight (the learning pass finds it and searches again).
    const actors: Record<string, SynthActor> = { src: { start: { sends: [send('a', 'x'), send('b', 'y')] } }, a: {}, b: { on: () => ({ sends: [send('a', 'z')] }) } };
    const full = await search(actors);
    const por = await search(actors, { por: true });
    expect(por.ends).toEqual(full.ends);
    // The first learning pass picked a alone before it knew b sends to a: it searched again.
    expect(por.stats.por!.passes).toBeGreaterThan(1);
  });

  it('on random small worlds: the same end states as the full search', async () => {
    await fc.assert(
      fc.asyncProperty(arbWorld, fc.boolean(), async (actors, reorder) => {
        const full = await search(actors, { reorder });
        const por = await search(actors, { reorder, por: true });
        expect(por.ends).toEqual(full.ends);
        expect(por.stats.states).toBeLessThanOrEqual(full.stats.states);
      }),
      { numRuns: 60, seed: 27 },
    );
  });
});

const SMALL = ['bind-alive', 'dma-after-munmap', 'dma-unmapped', 'fault-retry-forever', 'munmap-close-alive', 'release-unbound-during-dma', 'unbind-meets-release', 'unbind-second-device'];
const run = (name: string, kernel: string, reduction: Reduction) =>
  explore({ scenario: loadScenario(name), variant: variantByName(kernel), strategy: 'dfs', reduction, seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: false });
const verdict = (r: Awaited<ReturnType<typeof run>>) => ({ exhausted: r.dfs!.exhausted, oracles: r.violations.map((v) => v.oracle).sort(), endStates: [...r.endStates].sort() });

describe('por on the built-ins: the full search\'s verdicts', () => {
  it.each(VARIANTS.flatMap((v) => SMALL.map((s) => [v.name, s] as const)))('%s / %s: same oracles, same end states, no more states', async (kernel, name) => {
    const full = await run(name, kernel, 'states');
    const por = await run(name, kernel, 'por');
    expect(verdict(por)).toEqual(verdict(full));
    expect(por.dfs!.states!.states).toBeLessThanOrEqual(full.dfs!.states!.states);
    expect(por.dfs!.reduction).toBe('por');
  }, 60_000);

  it('fault-retry-forever keeps its livelock under por', async () => {
    const por = await run('fault-retry-forever', 'fixed', 'por');
    expect(por.violations.map((v) => v.oracle)).toContain('livelock');
    expect(por.dfs!.states!.paths).toBe(Infinity);
  }, 60_000);

  it('a counterexample found under por shrinks and replays, byte for byte on both transports', async () => {
    const out = mkdtempSync(join(tmpdir(), 'svmsim-por-'));
    const r = await explore({ scenario: loadScenario('exit-with-mmap'), variant: variantByName('fixed-no-release-flush'), strategy: 'dfs', reduction: 'por', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, shrink: true, stopOnFirst: true, out });
    const rec = r.violations.find((v) => v.oracle === 'dma-freed')!;
    const traces: string[] = [];
    for (const t of ['inline', 'workers']) {
      const { file, result, reproduced } = await replayScheduleFile(rec.file!, t);
      expect(file.shrunk).toBe(true);
      expect(reproduced).toBe(true);
      traces.push(JSON.stringify(result.trace));
    }
    expect(traces[1]).toBe(traces[0]);
  }, 120_000);
});
