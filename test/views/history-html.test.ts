// The history page renders what the matrix says: a framed cell where the verdict changes, naming
// the hunk that changed it (the responsible one when a commit has several), a trace button only
// for a cell with a counterexample page, and names escaped.
import { describe, expect, it } from 'vitest';
import type { Cell, Matrix } from '../../src/explore/line.ts';
import { HUNKS } from '../../src/variants/variants.ts';
import { cellKey, historyHtml } from '../../src/views/history-html.ts';

const cell = (variant: string, oracles: Cell['oracles'], exhausted = true): Cell => ({ variant, scenario: 's<1>', oracles, exhausted, search: 'dfs', runs: 1, fallback: 0, files: {}, seconds: 0.1 });
const hunk = (id: string) => HUNKS.find((h) => h.id === id)!;
const m: Matrix = {
  variants: [{ name: 'pre-fix', release: 'v4.4.1' }, { name: 'fixed', release: 'v4.5', commit: 'e57e58bd390a' }, { name: 'v4.9-no-pasid', release: 'v4.9' }],
  rows: [{
    scenario: 's<1>',
    cells: [cell('pre-fix', ['leak']), cell('fixed', []), cell('v4.9-no-pasid', [], false)],
    changes: [{ from: 'pre-fix', to: 'fixed', before: 'leak', after: 'clean', added: [hunk('releaseFlush'), hunk('mmCountOnly'), hunk('faultPin')], removed: [], responsible: hunk('mmCountOnly') }],
    seconds: 0.3,
  }],
  budget: 10,
  fallback: 5,
  seconds: 0.3,
};

describe('historyHtml', () => {
  const html = historyHtml(m, new Map([[cellKey('pre-fix', 's<1>'), 'h.cells/pre-fix/s_1_.html']]));
  it('frames the changed cell and names the responsible hunk only', () => {
    const cells = html.match(/<td class="[^"]*"[^>]*>.*?<\/td>/g)!;
    expect(cells).toHaveLength(3);
    expect(cells[1]).toMatch(/class="clean changed"/);
    expect(cells[1]).toContain('+e57e58bd390a mmCountOnly');
    expect(cells[1]).not.toContain('releaseFlush');
    expect(cells[2]).toMatch(/class="clean sampled"/);
    expect(cells[2]).not.toContain('hunk');
  });
  it('a trace button where a counterexample page exists, and escaped names', () => {
    expect(html.match(/data-src=/g)).toHaveLength(1);
    expect(html).toContain('data-src="h.cells/pre-fix/s_1_.html"');
    expect(html).toContain('s&lt;1&gt;');
    expect(html).not.toContain('s<1>');
  });
});
