// svmsim diff: the alignment of two traces, where they part, whose fate differs, the nearest
// passing schedule, and the command.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScheduleFile } from '../../src/explore/schedule-file.ts';
import { replayScheduleFile } from '../../src/explore/replay-file.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { nonpreemptive } from '../../src/scheduler/nonpreemptive.ts';
import { simulate } from '../../src/simulate.ts';
import type { ExploringStrategy } from '../../src/scheduler/exploring.ts';
import { alignTraces, traceDistance } from '../../src/trace/align.ts';
import { diffRuns } from '../../src/views/diff-model.ts';
import { findNearest } from '../../src/explore/nearest.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';
import { svmsim } from '../cli/cli.ts';
import { explorationOf, runDocOf } from './fixtures.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'svmsim-diff-'));
const ev = (step: number, to: string, event: string, state = 's'): TraceEvent => ({ step, seq: step, from: 'p', to, event, args: {}, state, effects: [], cause: null });

describe('alignment', () => {
  it('lines up the common deliveries; an inserted step is a gap on the other side; another outcome is "changed"', () => {
    const a = [ev(0, 'x', 'one'), ev(1, 'x', 'two'), ev(2, 'y', 'three')];
    const b = [ev(0, 'x', 'one'), ev(1, 'z', 'extra'), ev(2, 'x', 'two', 'other'), ev(3, 'y', 'three')];
    expect(alignTraces(a, b)).toEqual([
      { a: 0, b: 0, kind: 'both' },
      { a: null, b: 1, kind: 'b' },
      { a: 1, b: 2, kind: 'changed' },
      { a: 2, b: 3, kind: 'both' },
    ]);
    expect(traceDistance(a, b)).toBe(2);
    expect(traceDistance(b, a)).toBe(2);
    expect(traceDistance(a, a)).toBe(0);
  });

  it('pre-fix against fixed: every step of each run once, in order; they part early; every object the fix frees is leaked pre-fix', async () => {
    const pre = await runDocOf('pre-fix');
    const fix = await runDocOf('fixed');
    const d = diffRuns(pre, fix, ['pre-fix', 'fixed']);
    expect(d.rows.flatMap((r) => (r.a === null ? [] : [r.a]))).toEqual(pre.trace.map((_, i) => i));
    expect(d.rows.flatMap((r) => (r.b === null ? [] : [r.b]))).toEqual(fix.trace.map((_, i) => i));
    const p = d.parted!;
    expect(d.rows.slice(0, p.row).every((r) => r.kind === 'both')).toBe(true);
    // The first difference: the fix binds without taking mm_users (kernel-notes: mmgrab, not mmget).
    expect(p.row).toBeLessThan(20);
    const mm = d.fates.find((f) => f.id === 'mm#1')!;
    expect(mm.a).toBe('leaked: alive at the end (mm_users 1, mm_count 2)');
    expect(mm.b).toBe(`freed at step ${fix.objects.find((o) => o.id === 'mm#1')!.freedStep} by ${fix.objects.find((o) => o.id === 'mm#1')!.freedBy}`);
    const freedInFix = fix.objects.filter((o) => !o.alive).map((o) => o.id);
    expect(d.fates.filter((f) => f.a.startsWith('leaked') && f.b.startsWith('freed')).map((f) => f.id).sort()).toEqual(freedInFix.sort());
    expect([d.a.verdict, d.b.verdict]).toEqual(['leak', 'OK']);
    expect(diffRuns(pre, pre, ['a', 'b'])).toMatchObject({ parted: null, fates: [], counts: { changed: 0, onlyA: 0, onlyB: 0 } });
  });
});

describe('--nearest', () => {
  it('finds a schedule close to a counterexample where no oracle fires', async () => {
    const { result } = await explorationOf();
    const file = result.violations[0]!.file!;
    const n = await findNearest(file);
    expect(n.input.violations).toEqual([]);
    expect(n.change).toMatch(/^(without|delivering|the switch)/);
    const { result: cx } = await replayScheduleFile(file, 'inline');
    expect(n.distance).toBe(traceDistance(cx.trace, n.input.trace));
    expect(n.distance).toBeGreaterThan(0);
    // No further than the passing runs of the other strategies' first schedules.
    const s = readScheduleFile(file);
    for (const strategy of [fifo(), nonpreemptive()] as ExploringStrategy[]) {
      const r = await simulate({ scenario: s.scenario, variant: s.variant, strategy, transport: inlineTransport(), onStep: (e) => strategy.observe?.(e) });
      if (!r.violations.length) expect(n.distance).toBeLessThanOrEqual(traceDistance(cx.trace, r.trace));
    }
  }, 60_000);

  it('a run that passes has nothing to find: bad input', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify(await runDocOf('fixed')));
    await expect(findNearest(join(dir, 'fixed.json'))).rejects.toThrow(/no oracle fires in it/);
  });
});

describe('svmsim diff', () => {
  it('writes the page, prints where they part and whose fate differs; --json gives the same as data', async () => {
    const dir = tmp();
    const pre = await runDocOf('pre-fix');
    writeFileSync(join(dir, 'pre-fix.json'), JSON.stringify(pre));
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify(await runDocOf('fixed')));
    const r = svmsim(['diff', join(dir, 'pre-fix.json'), join(dir, 'fixed.json'), '-o', join(dir, 'd.html')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^A pre-fix\\.json: ${pre.trace.length} steps, leak · B fixed\\.json: \\d+ steps, OK\nthey part at row \\d+`));
    expect(r.stdout).toMatch(/mm#1 +A: leaked: alive at the end/);
    expect(readFileSync(join(dir, 'd.html'), 'utf8')).toContain('<title>svmsim · diff · pre-fix.json vs fixed.json</title>');
    const j = svmsim(['diff', join(dir, 'pre-fix.json'), join(dir, 'fixed.json'), '--json']);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout) as ReturnType<typeof diffRuns>;
    expect(doc.fates.find((f) => f.id === 'mm#1')!.a).toMatch(/^leaked/);
    expect(doc.parted!.row).toBe(Number(/they part at row (\d+)/.exec(r.stdout)![1]));
    expect(readdirSync(dir).sort()).toEqual(['d.html', 'fixed.json', 'pre-fix.json']); // --json alone writes no page
  }, 60_000);

  it('--nearest: B is the nearest passing schedule, labelled with the change; none within --max-runs is an answer (exit 1, one line, no page)', async () => {
    const { result } = await explorationOf();
    const file = result.violations[0]!.file!;
    const r = svmsim(['diff', file, '--nearest', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as ReturnType<typeof diffRuns> & { nearest: { change: string; distance: number; runs: number } };
    expect([j.a.verdict, j.b.verdict]).toEqual([result.violations[0]!.oracle, 'OK']);
    expect(j.b.label).toBe(`nearest passing (${j.nearest.change})`);
    expect(j.nearest.runs).toBeGreaterThan(1);
    const dir = tmp();
    const none = svmsim(['diff', file, '--nearest', '--max-runs', '1', '-o', join(dir, 'd.html')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`svmsim: no schedule near ${file} passes: every candidate of the shrinker (up to 1 runs) still fires an oracle\n`);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);

  it('runs of two scenarios: a note says the worlds differ; without -o the page is ./diff.html, and the path is said (issue 29 F17)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'one.json'), JSON.stringify(await runDocOf('fixed')));
    writeFileSync(join(dir, 'two.json'), JSON.stringify(await runDocOf('fixed', 'two-processes')));
    const r = svmsim(['diff', 'one.json', 'two.json'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, `svmsim: note: A is a run of scenario exit-with-mmap and B of two-processes: different worlds, so where they part says little\ndiff: wrote ${join(dir, 'diff.html')} (the default; -o FILE to choose)\n`]);
    expect(readdirSync(dir).sort()).toEqual(['diff.html', 'one.json', 'two.json']);
  }, 60_000);

  it('bad input is one line and exit 2, before any work', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'run.json'), JSON.stringify(await runDocOf('fixed')));
    const cases: [string[], RegExp][] = [
      [['diff', join(dir, 'run.json')], /diff needs two files \(A B\), or one with --nearest/],
      [['diff', join(dir, 'run.json'), join(dir, 'run.json'), '--nearest'], /give B or --nearest, not both/],
      [['diff', join(dir, 'run.json'), join(dir, 'missing.json')], /missing\.json: no such file/],
      [['diff', join(dir, 'run.json'), dir], /svmsim-diff-\w+: is a folder, not a file/],
      [['diff', join(dir, 'run.json'), join(dir, 'run.json'), '-o', join(dir, 'run.json', 'x.html')], /cannot write diff .*: ENOTDIR/],
      [['diff', join(dir, 'run.json'), '--nearest', '--max-runs', '0'], /--max-runs must be an integer >= 1/],
    ];
    for (const [args, msg] of cases) {
      const r = svmsim(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(dir)).toEqual(['run.json']);
  }, 60_000);
});
