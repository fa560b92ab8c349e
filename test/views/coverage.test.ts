// Coverage on the charts: explore's ids (StateNode ids, `source:event#index`) in the charts' terms.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machines } from '../../machines/index.ts';
import { machineItems } from '../../src/explore/coverage.ts';
import { BadInput } from '../../src/variants/variants.ts';
import { chartOf, transitionId } from '../../src/views/chart.ts';
import { fromExplore, readCoverage } from '../../src/views/coverage.ts';
import { exploreCoverageOf } from './fixtures.ts';

describe('coverage from explore', () => {
  it('every id explore can name maps to a state or transition of the chart', () => {
    for (const [kind, m] of Object.entries(machines)) {
      const all = machineItems(m);
      const c = fromExplore({ [kind]: all });
      expect(c.unknown).toEqual([]);
      const chart = chartOf(m);
      expect(c.machines[kind]!.states).toEqual([...chart.states.keys()].sort());
      expect(c.machines[kind]!.transitions).toEqual([...new Set(chart.edges.map(transitionId))].sort());
    }
  });

  it('pre-fix: the mm never reaches exit_mmap (mm_users never drops to 0); fixed: freed, through every phase', async () => {
    const pre = fromExplore(await exploreCoverageOf('pre-fix')).machines.mm!;
    const fix = fromExplore(await exploreCoverageOf('fixed')).machines.mm!;
    expect(pre.states.filter((s) => s.startsWith('lifecycle'))).toEqual(['lifecycle', 'lifecycle.live']);
    expect(fix.states).toContain('lifecycle.freed');
    // `release` is left by an eventless transition in the same delivery: only a microstep sees it.
    expect(fix.states).toContain('lifecycle.exit_mmap.release');
    expect(fix.transitions).toContain('mm.lifecycle.exit_mmap.release:always#0'); // [moreToRelease] → intel_mm_release
    expect(fix.transitions).toContain('mm.lifecycle.defunct:__mmdrop#0');
    expect(pre.transitions.filter((t) => t.startsWith('mm.lifecycle'))).toEqual([]);
  });

  it('reads summary.json or its coverage alone; stale ids are counted; a bad file is one line naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-cov-'));
    const data = await exploreCoverageOf('fixed');
    writeFileSync(join(dir, 'summary.json'), JSON.stringify({ format: 1, kernel: 'fixed', coverage: data }));
    writeFileSync(join(dir, 'cov.json'), JSON.stringify({ ...data, vma: { states: [...data.vma!.states, 'vma.gone'], transitions: ['vma.gone:x#0'] } }));
    const a = readCoverage(join(dir, 'summary.json'));
    expect(a.machines).toEqual(fromExplore(data).machines);
    expect(a.unknown).toEqual([]);
    expect(readCoverage(join(dir, 'cov.json')).unknown).toEqual(['vma.gone', 'vma.gone:x#0']);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ coverage: { mm: { states: 'x' } } }));
    expect(() => readCoverage(join(dir, 'bad.json'))).toThrow(/bad\.json: coverage\.mm\.states: /);
    writeFileSync(join(dir, 'junk.json'), '{');
    expect(() => readCoverage(join(dir, 'junk.json'))).toThrow(BadInput);
  });
});
