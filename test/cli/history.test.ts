// history and bisect as a user runs them: bad names are one line and exit 2 before any work; a
// user's scenario file works as a built-in does; --json, and --html with its trace viewer pages.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { svmsim } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'svmsim-history-cli-'));
// A user's copy of the non-canonical world, under a name of its own.
const mine = join(dir, 'mine.json');
const builtin = JSON.parse(readFileSync(new URL('../../scenarios/dma-noncanonical.json', import.meta.url), 'utf8')) as Record<string, unknown>;
writeFileSync(mine, JSON.stringify({ ...builtin, name: 'mine' }));

describe('svmsim history and bisect', { timeout: 90_000 }, () => {
  it('an unknown scenario or oracle (a variant: test/scenario/validate.test.ts): one line naming the valid ones, exit 2', () => {
    const scen = svmsim(['history', '-s', 'nope']);
    expect(scen.code).toBe(2);
    expect(scen.stderr).toMatch(/^svmsim: unknown scenario 'nope' \(valid: bind-after-exit, .*dma-noncanonical, .*\)\n$/);
    const orc = svmsim(['bisect', '-s', 'dma-noncanonical', '--oracle', 'leaks']);
    expect(orc.code).toBe(2);
    expect(orc.stderr).toBe("svmsim: unknown oracle 'leaks' (valid: leak, use-after-free, dma-freed, isolation, invariant, stuck, dropped, dangling, refcount, page-response, livelock)\n");
  });

  it('history of a user file: --json cells and changes, --html a page whose cells open trace viewer pages', () => {
    const page = join(dir, 'h.html');
    const r = svmsim(['history', '-s', mine, '--kernels', 'fixed,v4.14-9d8c3af31607,v5.7', '--json', '--html', page]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { rows: { scenario: string; cells: { oracles: string[] }[]; changes: { to: string; responsible: { id: string } }[] }[] };
    expect(m.rows[0]!.scenario).toBe('mine');
    expect(m.rows[0]!.cells.map((c) => c.oracles)).toEqual([[], ['leak', 'refcount'], []]);
    expect(m.rows[0]!.changes.map((c) => [c.to, c.responsible.id])).toEqual([['v4.14-9d8c3af31607', 'canonicalCheck'], ['v5.7-902baf61adf6', 'canonicalFirst']]);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('data-src="h.html.cells/v4.14-9d8c3af31607/mine.html"');
    expect(html).toContain('+9d8c3af31607 canonicalCheck');
    expect(existsSync(join(dir, 'h.html.cells', 'v4.14-9d8c3af31607', 'mine.html'))).toBe(true);
    expect(existsSync(join(dir, 'h.html.cells', 'fixed'))).toBe(false);
  });

  it('bisect a user file: the first variant, its hunk, the counterexample before and the clean search after', () => {
    const out = join(dir, 'b');
    const r = svmsim(['bisect', '-s', mine, '--from', 'v4.14-9d8c3af31607', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/first variant with the new verdict: v5.7-902baf61adf6 \(v5.7 902baf61adf6\)/);
    expect(r.stdout).toMatch(/the hunk responsible: canonicalFirst: prq_event_thread: .*\n\s+\[902baf61adf6 v5.7 "iommu\/vt-d: Fix mm reference leak"\]/);
    expect(r.stdout).toContain(`counterexample leak: ${join(out, 'v4.14-9d8c3af31607', 'mine', 'leak.json')}`);
    expect(r.stdout).toMatch(/after {3}v5.7-902baf61adf6: clean — dfs exhausted: \d+ states/);
  });
});
