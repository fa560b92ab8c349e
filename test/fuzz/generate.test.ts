// The world generator: every world it draws (and every world fast-check shrinks one to) is one the
// validator accepts, within the bounds; the same seed draws the same worlds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE_PAGE, decode, genesArb, worldArb, worldSize, type Bounds } from '../../src/fuzz/generate.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

const valid = (w: Scenario) => parseScenario(JSON.parse(JSON.stringify(w)), 'generated');

/** Every page a step names, mapped or DMA'd or touched. */
const pagesOf = (w: Scenario) =>
  w.processes.flatMap((p) => p.steps.flatMap((s) => (s.op === 'mmap' ? [s.addr, s.addr + s.pages - 1] : s.op === 'dma' || s.op === 'touch' ? [s.addr] : [])));

describe('worldArb', () => {
  const bounds: Bounds[] = [
    { processes: 1, steps: 6, pages: 2 },
    { processes: 3, steps: 5, pages: 4, devices: 2 },
    { processes: 2, steps: 7, pages: 3, faults: true },
  ];

  it.each(bounds)('500 worlds within %o all validate and keep to the bounds', (b) => {
    const worlds = fc.sample(worldArb(b), { numRuns: 500, seed: 7 });
    for (const w of worlds) {
      expect(() => valid(w)).not.toThrow();
      expect(w.processes.length).toBeLessThanOrEqual(b.processes);
      for (const p of w.processes) expect(p.steps.length).toBeLessThanOrEqual(b.steps);
      // The range, and the one page past it (a DMA or touch with no VMA).
      for (const pg of pagesOf(w)) expect(pg >= BASE_PAGE && pg <= BASE_PAGE + b.pages).toBe(true);
      for (const st of w.processes.flatMap((p) => p.steps)) if (st.op === 'mmap') expect(st.addr + st.pages).toBeLessThanOrEqual(BASE_PAGE + b.pages);
      if (!b.faults) expect(w.faults).toBeUndefined();
      if (!b.faults) expect(w.processes.some((p) => p.steps.some((s) => s.op === 'dma' && s.pasid !== undefined))).toBe(false);
    }
    // Not a degenerate generator: the worlds differ and use every op.
    expect(new Set(worlds.map((w) => JSON.stringify(w))).size).toBeGreaterThan(250);
    const ops = new Set(worlds.flatMap((w) => w.processes.flatMap((p) => p.steps.map((s) => s.op))));
    const spawning = b.processes > 1 ? ['clone', 'fork'] : [];
    expect([...ops].sort()).toEqual(['bind', ...spawning, 'close', 'dma', 'exit', 'mmap', 'munmap', 'open', 'touch', 'unbind'].sort());
  });

  it('starts tasks with clone (the fd table shared or copied) and fork; a started task and its parent both exit', () => {
    const worlds = fc.sample(worldArb(bounds[1]!), { numRuns: 500, seed: 5 });
    const spawnSteps = worlds.flatMap((w) => w.processes.flatMap((p) => p.steps.flatMap((s) => (s.op === 'clone' || s.op === 'fork' ? [{ w, p, s }] : []))));
    expect(new Set(spawnSteps.map(({ s }) => (s.op === 'clone' ? `clone:${s.files}` : s.op)))).toEqual(new Set(['clone:true', 'clone:false', 'fork']));
    for (const { w, p, s } of spawnSteps) {
      const child = w.processes.find((q) => q.name === (s as { task: string }).task)!;
      expect(w.processes.indexOf(child)).toBeGreaterThan(w.processes.indexOf(p));
      expect([p.steps.at(-1)?.op, child.steps.at(-1)?.op]).toEqual(['exit', 'exit']);
    }
  });

  it('with faults, draws faults, rogue PASIDs and cross-process `after`', () => {
    const worlds = fc.sample(worldArb(bounds[2]!), { numRuns: 500, seed: 3 });
    expect(worlds.some((w) => w.faults?.length)).toBe(true);
    expect(worlds.some((w) => w.processes.some((p) => p.steps.some((s) => s.op === 'dma' && s.pasid !== undefined)))).toBe(true);
    expect(worlds.some((w) => w.processes.some((p) => p.steps.some((s) => s.after !== undefined)))).toBe(true);
    expect(worlds.some((w) => w.processes.some((p) => p.steps.at(-1)?.op !== 'exit'))).toBe(true);
  });

  it('is deterministic per seed, and another seed draws other worlds', () => {
    const b = bounds[1]!;
    const a = fc.sample(worldArb(b), { numRuns: 100, seed: 42 });
    expect(fc.sample(worldArb(b), { numRuns: 100, seed: 42 })).toEqual(a);
    expect(fc.sample(worldArb(b), { numRuns: 100, seed: 43 })).not.toEqual(a);
  });

  it('every world a shrink step reaches decodes valid too', () => {
    const b = bounds[2]!;
    for (const g of fc.sample(genesArb(b), { numRuns: 30, seed: 11 })) {
      const value = new fc.Value(g, undefined);
      let n = 0;
      for (const smaller of genesArb(b).shrink(g, value.context)) {
        const w = decode(smaller.value, b);
        expect(() => valid(w)).not.toThrow();
        expect(worldSize(w).steps).toBeLessThanOrEqual(worldSize(decode(g, b)).steps);
        if (++n >= 40) break;
      }
    }
  });
});
