// The line of history as verdicts: a cell (the stateful dfs within a budget, then the default
// strategy), the matrix's changes and the hunks that make them, and bisect's walk. Small worlds
// only: each cell here is a few hundred states.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bisect, cell, matrix, verdictOf, type CellOptions } from '../../src/explore/line.ts';
import { replayScheduleFile } from '../../src/explore/replay-file.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { LINE, variantByName } from '../../src/variants/variants.ts';

const opts: CellOptions = { budget: 20_000, fallback: 20, shrink: true };
const canonical = loadScenario('dma-noncanonical');

describe('a cell', () => {
  it('a bug: its oracles, a shrunk counterexample that replays; clean: exhausted, with its states', async () => {
    const out = mkdtempSync(join(tmpdir(), 'svmsim-line-'));
    const bad = await cell(canonical, variantByName('v4.14-9d8c3af31607'), { ...opts, out });
    expect(bad).toMatchObject({ oracles: ['leak', 'refcount'], exhausted: true, variant: 'v4.14-9d8c3af31607', scenario: 'dma-noncanonical' });
    expect(bad.files.leak).toBe(join(out, 'v4.14-9d8c3af31607', 'dma-noncanonical', 'leak.json'));
    expect((await replayScheduleFile(bad.files.leak!, 'inline')).reproduced).toBe(true);
    const good = await cell(canonical, variantByName('v5.7-902baf61adf6'), opts);
    expect(good).toMatchObject({ oracles: [], exhausted: true, fallback: 0, files: {} });
    expect(good.search).toMatch(/^dfs exhausted: \d+ states, \d+ runs$/);
  });
  it('a budget too small to exhaust: the default strategy runs after, and the cell says so', async () => {
    const c = await cell(canonical, variantByName('fixed'), { ...opts, budget: 5 });
    expect(c).toMatchObject({ exhausted: false, runs: 5, fallback: 20, oracles: [] });
    expect(c.search).toMatch(/not exhausted; then 20 portfolio schedules/);
  });
});

describe('the matrix', () => {
  it('each change names the hunks between the two columns, and which of the seed\'s three changes it', async () => {
    const m = await matrix([canonical], LINE, opts);
    expect(m.rows[0]!.cells.map(verdictOf)).toEqual(['leak', 'clean', 'clean', 'leak,refcount', 'leak,refcount', 'clean', 'clean']);
    const ch = m.rows[0]!.changes.map((c) => ({ from: c.from, to: c.to, added: c.added.map((h) => h.id), responsible: c.responsible?.id }));
    expect(ch).toEqual([
      // pre-fix's leak is the svm's mm_users reference: mmCountOnly (bind drops it) is what ends it.
      { from: 'pre-fix', to: 'fixed', added: ['releaseFlush', 'mmCountOnly', 'faultPin'], responsible: 'mmCountOnly' },
      { from: 'v4.9-no-pasid', to: 'v4.14-9d8c3af31607', added: ['canonicalCheck'], responsible: 'canonicalCheck' },
      { from: 'v4.19-4fa064b26c2e', to: 'v5.7-902baf61adf6', added: ['canonicalFirst'], responsible: 'canonicalFirst' },
    ]);
  });
});

describe('bisect', () => {
  it('halves the line from its ends and names the first variant with the new verdict and its hunk', async () => {
    const r = await bisect(loadScenario('dma-unknown-pasid'), LINE.slice(1), { ...opts, oracle: 'isolation' });
    expect(r.steps.map((s) => [s.variant, s.side])).toEqual([
      ['fixed', 'old'],
      ['v5.12-3aa7c62cb7d7', 'new'],
      ['v4.14-9d8c3af31607', 'old'],
      ['v4.19-4fa064b26c2e', 'old'],
      ['v5.7-902baf61adf6', 'old'],
    ]);
    expect(r).toMatchObject({ before: { variant: 'v5.7-902baf61adf6', oracles: ['isolation'] }, first: { variant: 'v5.12-3aa7c62cb7d7', oracles: [], exhausted: true }, responsible: { id: 'invalidResponse', commit: '3aa7c62cb7d7' } });
  });
  it('ends that agree: no change, after testing only the two', async () => {
    const r = await bisect(canonical, LINE.slice(1), opts);
    expect(r.unchanged).toBe(true);
    expect(r.steps).toHaveLength(2);
  });
});
