// The exploration report: the counts and history explore records for it, how they merge, what the
// page is built from, and the CLI (`explore --report`, `report summary.json`).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machines } from '../../machines/index.ts';
import { CoverageRecorder } from '../../src/explore/coverage.ts';
import { mergeHistories, type ExploreHistory } from '../../src/explore/history.ts';
import { mergeResults } from '../../src/explore/result.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { simulate } from '../../src/simulate.ts';
import { buildExploreReport } from '../../src/views/explore-model.ts';
import { replayCounterexamples } from '../../src/explore/counterexamples.ts';
import { exploreReportHtml } from '../../src/views/explore-report.ts';
import { svmsim } from '../cli/cli.ts';
import { explorationOf } from './fixtures.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'svmsim-explore-report-'));

/** A recorder fed `runs` fifo runs of the fixed kernel. */
async function recorded(runs: number) {
  const sc = loadScenario('exit-with-mmap');
  const variant = variantByName('fixed');
  const kinds = new Map(buildWorld(sc, variant).specs.map((s) => [s.id, s.kind]));
  const rec = new CoverageRecorder({}, { clock: () => 0 });
  const transport = inlineTransport({ inspect: rec.inspector((id) => kinds.get(id)) });
  for (let i = 0; i < runs; i++) await simulate({ scenario: sc, variant, strategy: fifo(), transport, keepOpen: true });
  await transport.close();
  return rec;
}

describe('coverage counts', () => {
  it('count each transition taken and each state entered; a second identical run doubles every count', async () => {
    const one = await recorded(1);
    const two = await recorded(2);
    const c1 = one.counts();
    const data = one.data();
    for (const [kind, items] of Object.entries(c1)) {
      // Every counted item is a visited one, and every visited transition was counted.
      for (const id of Object.keys(items)) expect([...data[kind]!.states, ...data[kind]!.transitions]).toContain(id);
      for (const t of data[kind]!.transitions) expect(items[t]).toBeGreaterThan(0);
    }
    // fixed, one process: its mm is entered into `freed` once, and mm_users is dropped by one mmput path.
    expect(c1.mm!['mm.lifecycle.freed']).toBe(1);
    expect(c1.mm!['mm.lifecycle.live']).toBe(1);
    const doubled = Object.fromEntries(Object.entries(c1).map(([k, items]) => [k, Object.fromEntries(Object.entries(items).map(([id, n]) => [id, 2 * n]))]));
    expect(two.counts()).toEqual(doubled);
    expect(two.data()).toEqual(data); // the sets are as before
    // With a clock, each item's first coverage time is kept.
    expect(Object.keys(one.firstSeen()).length).toBeGreaterThan(10);
  });

  it('merge by adding up, and old data without counts still reads', async () => {
    const one = await recorded(1);
    const merged = new CoverageRecorder(one.data());
    merged.addCounts(one.counts());
    merged.addCounts(one.counts());
    expect(merged.counts()).toEqual((await recorded(2)).counts());
    expect(new CoverageRecorder(one.data()).counts()).toEqual({});
  });
});

describe('exploration history', () => {
  it('records schedules, first coverage and every end state; counts add up to the schedules run', async () => {
    const { result } = await explorationOf();
    const h = result.history!;
    expect(h.samples[0]).toEqual([0, 0]);
    expect(h.samples.at(-1)![1]).toBe(result.schedules);
    for (let i = 1; i < h.samples.length; i++) expect(h.samples[i]![1]).toBeGreaterThanOrEqual(h.samples[i - 1]![1]);
    expect(Object.keys(h.endStates).sort()).toEqual(result.endStates);
    expect(Object.values(h.endStates).reduce((n, e) => n + e.count, 0)).toBe(result.schedules);
    for (const e of Object.values(h.endStates)) expect(e.label).toMatch(/^(alive: |every object freed)/);
    // Every covered id is a visited state or transition.
    const visited = new Set(Object.values(result.coverage).flatMap((m) => [...m.states, ...m.transitions]));
    for (const id of Object.keys(h.covered)) expect(visited.has(id)).toBe(true);
    expect(Object.keys(result.coverageCounts!)).toEqual(Object.keys(result.coverage));
  });

  it('merges: schedules add up at each time, first coverage is the earliest, end-state counts add up', () => {
    const a: ExploreHistory = { samples: [[0, 0], [1, 10], [2, 20]], covered: { x: 0.5, y: 1.5 }, endStates: { e1: { count: 15, first: 0.1, label: 'L1' }, e2: { count: 5, first: 1.2, label: 'L2' } } };
    const b: ExploreHistory = { samples: [[0, 0], [1.5, 7]], covered: { x: 0.2, z: 1 }, endStates: { e1: { count: 7, first: 0.3, label: 'L1' } } };
    expect(mergeHistories([a, b])).toEqual({
      samples: [[0, 0], [1, 10], [1.5, 17], [2, 27]],
      covered: { x: 0.2, y: 1.5, z: 1 },
      endStates: { e1: { count: 22, first: 0.1, label: 'L1' }, e2: { count: 5, first: 1.2, label: 'L2' } },
    });
  });

  it('mergeResults keeps counts and history', async () => {
    const { result } = await explorationOf();
    const m = mergeResults([result, { ...result, shards: ['2/2'] }]);
    expect(m.coverageCounts!.mm!['mm.lifecycle.live']).toBe(2 * result.coverageCounts!.mm!['mm.lifecycle.live']!);
    expect(m.history!.samples.at(-1)![1]).toBe(2 * result.schedules);
  });
});

describe('exploration report model', () => {
  it('shades every machine, sorts end states by frequency, and ends the coverage curve at what was visited', async () => {
    const { result } = await explorationOf();
    const d = buildExploreReport(result);
    expect(d.machines.map((m) => m.kind)).toEqual(Object.keys(machines));
    const mm = d.machines.find((m) => m.kind === 'mm')!;
    expect(mm.entered['lifecycle__live']).toBe(result.coverageCounts!.mm!['mm.lifecycle.live']);
    expect(mm.svg).toMatch(/g\.node\[data-id="lifecycle__live"\] rect[^{]*\{ fill: rgb\(/);
    for (let i = 1; i < d.endStates.length; i++) expect(d.endStates[i]!.count).toBeLessThanOrEqual(d.endStates[i - 1]!.count);
    expect(d.endStates[0]!.differs).toEqual([]);
    for (const e of d.endStates.slice(1)) expect(e.differs.length).toBeGreaterThan(0); // distinct end states differ in something
    const t = d.timeline!;
    const all = Object.values(result.coverage).reduce((n, m) => n + m.states.length + m.transitions.length, 0);
    expect(t.covered.at(-1)).toBe(all);
    expect(t.endStates.at(-1)).toBe(result.endStates.length);
    expect(t.rate.every((r) => r >= 0)).toBe(true);
  });

  it('the page embeds each counterexample\'s trace viewer, and fetches nothing', async () => {
    const { result } = await explorationOf();
    const html = exploreReportHtml(result, await replayCounterexamples(result));
    expect(html).not.toMatch(/<link|@import|\ssrc=/);
    const viewers = JSON.parse(/<script type="application\/json" id="viewers">([\s\S]*?)<\/script>/.exec(html)![1]!) as { html?: string }[];
    expect(viewers).toHaveLength(result.violations.length);
    expect(viewers[0]!.html).toContain(`${result.violations[0]!.oracle} counterexample`);
    // A file that is gone is said so on the page, not a failure.
    const missing = { ...result, violations: [{ ...result.violations[0]!, file: '/nonexistent/x.json' }] };
    const gone = exploreReportHtml(missing, await replayCounterexamples(missing));
    expect(gone).toContain('/nonexistent/x.json: cannot read schedule file');
  });
});

describe('explore --report and report summary.json', () => {
  it('write the exploration report, with or without a violation; an unwritable path fails first, exit 2', () => {
    const dir = tmp();
    const ok = svmsim(['explore', '--kernel', 'fixed', '--strategy', 'random', '--schedules', '20', '--transport', 'inline', '--out', join(dir, 'exp'), '--report', join(dir, 'ok.html')]);
    expect(ok.code).toBe(0);
    const html = readFileSync(join(dir, 'ok.html'), 'utf8');
    expect(html).toContain('<title>svmsim · exploration of exit-with-mmap on fixed</title>');
    expect(html).toContain('No oracle fired in any schedule.');
    const again = svmsim(['report', join(dir, 'exp', 'summary.json'), '-o', join(dir, 'again.html')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/exploration: 20 schedules, 0 violation/);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toContain('exploration of exit-with-mmap on fixed');
    writeFileSync(join(dir, 'file'), '');
    const bad = svmsim(['explore', '--kernel', 'fixed', '--schedules', '5', '--transport', 'inline', '--report', join(dir, 'file', 'r.html')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^svmsim: --report .*file\/r\.html: .*ENOTDIR\)\n$/);
    expect(bad.stdout).toBe(''); // nothing was explored
    expect(readdirSync(dir).sort()).toEqual(['again.html', 'exp', 'file', 'ok.html']);
  }, 90_000);
});
