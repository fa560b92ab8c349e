// The fuzz loop (src/fuzz/fuzz.ts): the same seed draws the same worlds and finds the same things
// (the summary and the files written byte for byte, with one job's batch or two); on pre-fix it
// finds the leak and shrinks the world to a smaller one that still shows it, a scenario the
// validator accepts; on fixed a handful of worlds are clean. Small bounds and budgets: seconds.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawWorld, drawnWorlds } from '../../src/fuzz/draw.ts';
import { fuzz } from '../../src/fuzz/fuzz.ts';
import { exhaustiveCount, exhaustiveWorlds } from '../../src/fuzz/enumerate.ts';
import { statement } from '../../src/fuzz/result.ts';
import { worldSize, type Bounds } from '../../src/fuzz/generate.ts';
import { judgeWorld } from '../../src/fuzz/judge.ts';
import type { FuzzResult } from '../../src/fuzz/result.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';

const B: Bounds = { processes: 1, steps: 6, pages: 2 };
/** Seed 2's world 0 shows pre-fix's leak (the dfs finds it within the budget). */
const SEED = 2;
const BUDGET = 60;

const run = (kernel: string, worlds: number, out?: string, batch = 1, seed = SEED) =>
  fuzz({ variant: variantByName(kernel), bounds: B, seed, mode: 'random', items: drawnWorlds(B, seed), worlds, budget: BUDGET, shrinkTries: 40, batch, out });

/** The summary with its timing gone and its folder named DIR: what must be the same. */
const canonical = (r: FuzzResult, out: string) => JSON.stringify({ ...r, seconds: 0 }).replaceAll(out, 'DIR');

describe('fuzz', { timeout: 60_000 }, () => {
  it('draws world i from the seed and i alone: the same worlds in any order, other worlds for another seed', () => {
    const ids = Array.from({ length: 20 }, (_, i) => i);
    const forward = ids.map((i) => JSON.stringify(drawWorld(B, SEED, i)));
    const backward = [...ids].reverse().map((i) => JSON.stringify(drawWorld(B, SEED, i))).reverse();
    expect(backward).toEqual(forward);
    const it = drawnWorlds(B, SEED);
    expect(ids.map(() => JSON.stringify(it.next().value))).toEqual(forward);
    const other = ids.map((i) => JSON.stringify(drawWorld(B, SEED + 1, i)));
    expect(other.filter((w, i) => w !== forward[i]).length).toBeGreaterThan(15);
  });

  const d1 = mkdtempSync(join(tmpdir(), 'svmsim-fuzz-a-'));
  const d2 = mkdtempSync(join(tmpdir(), 'svmsim-fuzz-b-'));
  // The first pre-fix run, shared by the two tests below (started by whichever runs first).
  let started: Promise<FuzzResult> | undefined;
  const first = () => (started ??= run('pre-fix', 3, d1));

  it('on pre-fix finds the leak, shrinks the world and writes both files; the same seed again (in batches of 2) gives byte-identical JSON', async () => {
    const r = await first();
    expect(r.worlds).toBe(3);
    const leak = r.findings.find((f) => f.oracle === 'leak');
    expect(leak).toMatchObject({ world: 0, scenarioFile: join(d1, 'leak.scenario.json'), scheduleFile: join(d1, 'leak.json') });
    // Shrunk: fewer steps than the world that first showed it, and never larger in any way.
    expect(leak!.shrunk.steps).toBeLessThan(leak!.found.steps);
    expect(leak!.shrunk.processes).toBeLessThanOrEqual(leak!.found.processes);
    expect(leak!.shrunk.pages).toBeLessThanOrEqual(leak!.found.pages);
    expect(leak!.shrink.steps).toBeGreaterThan(0);

    const again = await run('pre-fix', 3, d2, 2);
    expect(canonical(again, d2)).toBe(canonical(r, d1));
    const file = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').replaceAll(dir, 'DIR').replace(/"seconds": ?[\d.]+/g, '');
    for (const f of ['summary.json', 'leak.scenario.json', 'leak.json']) expect(file(d2, f)).toBe(file(d1, f));
  });

  it('the shrunk world is a valid scenario, smaller than the drawn one, and still shows the leak', async () => {
    const r = await first();
    const file = r.findings.find((f) => f.oracle === 'leak')!.scenarioFile!;
    const world = parseScenario(JSON.parse(readFileSync(file, 'utf8')), file);
    const drawn = drawWorld(B, SEED, 0).world;
    expect(worldSize(world).steps).toBeLessThan(worldSize(drawn).steps);
    expect(JSON.stringify(world.processes).length).toBeLessThan(JSON.stringify(drawn.processes).length);
    const j = await judgeWorld(world, { variant: variantByName('pre-fix'), budget: BUDGET, seed: r.findings[0]!.seed });
    expect(j.finding?.oracle).toBe('leak');
  });

  it('on fixed, a handful of worlds are judged and no oracle fires', async () => {
    const r = await run('fixed', 8);
    expect(r.worlds).toBe(8);
    expect(r.schedules).toBeGreaterThanOrEqual(8);
    expect(r.findings).toEqual([]);
    // Nothing set aside as a fault's harm or the step limit either: these worlds are fault-free.
    expect(r.explained).toBe(0);
  });

  // --exhaustive: the worlds in canonical order, fewest steps first, each searched to its end.
  const exhaustive = (kernel: string, b: Bounds, worlds?: number) =>
    fuzz({ variant: variantByName(kernel), bounds: b, seed: 0, mode: 'exhaustive', items: [...exhaustiveWorlds(b)].map((world, index) => ({ index, seed: index, world })), total: exhaustiveCount(b), worlds, budget: null, shrinkTries: 0 });

  it('exhaustive on fixed: every world of <= 2 steps over 1 page searched to its end, none fires, and the statement covers the bounds', async () => {
    const b: Bounds = { processes: 1, steps: 2, pages: 1 };
    const r = await exhaustive('fixed', b);
    expect([r.worlds, r.exhaustedWorlds, r.total, r.complete, r.findings]).toEqual([66, 66, 66, true, []]);
    expect(statement(r)).toMatch(/^no violation in any world of one process, <= 2 step\(s\) \(exit included\) over 1 page\(s\) and 1 device\(s\), no faults, on fixed: every one of the 66 worlds/);
    // Cut short, it claims nothing of the bounds.
    const cut = await exhaustive('fixed', b, 10);
    expect(cut.complete).toBe(false);
    expect(statement(cut)).toMatch(/^no violation found in 10 of the 66 worlds .*no statement about the bounds/);
  });

  it('exhaustive on pre-fix: the first world to leak is the seed\'s shape in 4 steps (open, bind, mmap of the file, exit), after every world of 3 steps was clean', async () => {
    const b: Bounds = { processes: 1, steps: 4, pages: 1 };
    const ws = [...exhaustiveWorlds(b)];
    const seeds = ws.findIndex((w) => JSON.stringify(w.processes[0]!.steps) === JSON.stringify([{ op: 'open', file: 'f0', device: 'dev0' }, { op: 'bind', file: 'f0' }, { op: 'mmap', vma: 'v0', file: 'f0', addr: 16, pages: 1 }, { op: 'exit' }]));
    // Every world before it (all of <= 3 steps among them) is judged, and none leaks.
    const r = await exhaustive('pre-fix', b, seeds + 1);
    expect(r.findings.map((f) => [f.oracle, f.world, f.found.steps])).toEqual([['leak', seeds, 4]]);
    expect(r.worlds).toBe(seeds + 1);
    expect(ws.slice(0, seeds).some((w) => w.processes[0]!.steps.length === 3 && w.processes[0]!.steps.at(-1)!.op === 'exit')).toBe(true);
  });
});

