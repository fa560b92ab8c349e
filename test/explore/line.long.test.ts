// `npm run test:long`: the whole history matrix (every built-in on every variant of the line, the
// default budget), about 50 s. Each fix's scenario changes at the fix's variant, by the fix's
// hunk; nothing else changes after the seed: "which commit mends it, and that nothing else changed".
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET, DEFAULT_FALLBACK, matrix, type Matrix } from '../../src/explore/line.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { HUNKS, LINE } from '../../src/variants/variants.ts';

describe('the history matrix', () => {
  let m: Matrix;
  it('runs', async () => {
    m = await matrix(builtinNames().map(loadScenario), LINE, { budget: DEFAULT_BUDGET, fallback: DEFAULT_FALLBACK, shrink: false });
    expect(m.rows).toHaveLength(builtinNames().length);
  }, 900_000);

  it.each(HUNKS.filter((h) => h.scenario && h.commit !== 'e57e58bd390a').map((h) => [h.id, h] as const))('%s: its scenario changes where it lands, and by it', (_id, h) => {
    const row = m.rows.find((r) => r.scenario === h.scenario)!;
    const at = LINE.find((v) => v.hunks[h.id] && !LINE[LINE.indexOf(v) - 1]!.hunks[h.id])!;
    const change = row.changes.find((c) => c.to === at.name);
    expect(change, `${h.scenario} on ${at.name}`).toBeDefined();
    expect(change!.responsible?.id).toBe(h.id);
    expect(row.cells[LINE.indexOf(at)]!.exhausted).toBe(true);
  });

  it('after the seed, no other row changes', () => {
    const fixes = new Set(HUNKS.filter((h) => h.commit !== 'e57e58bd390a').map((h) => `${h.scenario}`));
    const others = m.rows.flatMap((r) => r.changes.filter((c) => c.from !== 'pre-fix').map((c) => ({ ...c, scenario: r.scenario }))).filter((c) => !fixes.has(c.scenario));
    // fault-refused-dma has dma-unknown-pasid's request for a PASID nobody bound in it.
    expect(others.map((c) => `${c.scenario}: ${c.from} -> ${c.to} (${c.responsible?.id})`)).toEqual(['fault-refused-dma: v5.7-902baf61adf6 -> v5.12-3aa7c62cb7d7 (invalidResponse)']);
  });
});
