// --symmetry: interchangeable processes found from the world, and the stateful dfs over orbits.
import { describe, expect, it } from 'vitest';
import { symmetryOf } from '../../src/scenario/symmetry.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { explore } from '../../src/explore/explore.ts';
import type { Scenario } from '../../src/scenario/schema.ts';

const client = (name: string, count = 1) => ({
  name,
  steps: [
    { op: 'open', file: 'dev', device: 'accel0' },
    { op: 'mmap', vma: 'buf', file: 'dev', addr: 16, pages: 1 },
    { op: 'bind', file: 'dev' },
    { op: 'dma', file: 'dev', addr: 16, write: true, count, wait: true },
    { op: 'exit' },
  ],
});
const world = (procs: ReturnType<typeof client>[]) => ({ name: 'clients', description: 'identical clients', devices: ['accel0'], processes: procs }) as unknown as Scenario;

const search = async (s: Scenario, kernel: string, symmetry: boolean) => {
  const r = await explore({ scenario: s, variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, symmetry });
  return { states: r.dfs!.states!.states, covered: r.dfs!.states!.paths, exhausted: r.dfs!.exhausted, oracles: r.violations.map((v) => v.oracle).sort(), sym: r.dfs!.states!.symmetry };
};

describe('symmetry of a world', () => {
  it('finds two identical clients interchangeable, renaming each one\'s task, mm, pages, file and VMA', () => {
    const s = world([client('A'), client('B')]);
    const sym = symmetryOf(s, buildWorld(s, variantByName('fixed')))!;
    expect(sym.classes).toEqual([['A', 'B']]);
    expect(sym.perms).toHaveLength(2);
    const swap = sym.perms[1]!;
    expect(swap.rename('process#1 mm#2 pt#1.3 page#2.1 file#1 vma#2 svm#1 pasid-entry#1 sdev#2')).toBe('process#2 mm#1 pt#2.3 page#1.1 file#2 vma#1 svm#1 pasid-entry#1 sdev#2');
    expect(swap.rename(swap.rename('mm#1/exit'))).toBe('mm#1/exit');
  });

  it('finds none where the steps differ, or where one process waits on the other', () => {
    const differ = world([client('A'), client('B', 2)]);
    expect(symmetryOf(differ, buildWorld(differ, variantByName('fixed')))).toBeNull();
    const b = client('B');
    (b.steps[0] as Record<string, unknown>).after = 'A.1';
    const ordered = world([client('A'), b]);
    expect(symmetryOf(ordered, buildWorld(ordered, variantByName('fixed')))).toBeNull();
  });

  it('takes every permutation of three identical clients', () => {
    const s = world([client('A'), client('B'), client('C')]);
    const sym = symmetryOf(s, buildWorld(s, variantByName('fixed')))!;
    expect(sym.classes).toEqual([['A', 'B', 'C']]);
    expect(sym.perms).toHaveLength(6);
    expect([...sym.perms[0]!.to]).toEqual([...Array(sym.perms[0]!.to.length).keys()]);
  });
});

describe('the stateful dfs over orbits', () => {
  it('keeps the verdict and the schedules covered, with fewer states, on pre-fix and on fixed', async () => {
    const s = world([client('A'), client('B')]);
    for (const kernel of ['pre-fix', 'fixed']) {
      const full = await search(s, kernel, false);
      const orbits = await search(s, kernel, true);
      expect(orbits.exhausted && full.exhausted).toBe(true);
      expect(orbits.oracles.length ? [...new Set(orbits.oracles)] : []).toEqual(full.oracles.length ? [...new Set(full.oracles)] : []);
      expect(orbits.covered).toBe(full.covered);
      expect(orbits.states).toBeLessThan(full.states);
      expect(orbits.states).toBeGreaterThanOrEqual(full.states / 2);
      expect(orbits.sym).toEqual({ classes: [['A', 'B']], perms: 2 });
    }
  }, 120_000);

  it('changes nothing on a world without symmetry', async () => {
    const { loadScenario } = await import('../../src/scenario/load.ts');
    const s = loadScenario('munmap-close-alive');
    const a = await search(s, 'fixed', false);
    const b = await search(s, 'fixed', true);
    expect(b).toEqual({ ...a, sym: undefined });
  }, 120_000);
});
