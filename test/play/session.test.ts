// The played session (src/play/session.ts) against the run loop and the replay: stepping by hand
// gives the trace and the verdict a strategy run gives; undo, redo and going to a point walk the
// same history; a deviation cuts it; a saved history replays byte for byte on both transports;
// a --from file steps through and may be left; faults are choices marked as faults; "explore
// from here" searches only schedules that start with the prefix.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlayError, PlaySession, type PlaySnapshot } from '../../src/play/session.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { simulate } from '../../src/simulate.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { random } from '../../src/scheduler/random.ts';
import { memoTransport } from '../../src/engine/memo.ts';
import { replayScheduleFile } from '../../src/explore/replay-file.ts';
import { BadInput } from '../../src/variants/variants.ts';
import type { Choice } from '../../src/runtime/run.ts';
import { MINI } from './mini.ts';

const preFix = variantByName('pre-fix');
const tmp = () => mkdtempSync(join(tmpdir(), 'svmsim-play-'));
const open = (scenario = MINI, kernel = 'pre-fix') => PlaySession.open({ scenario, variant: variantByName(kernel), maxSteps: 2000 });
const fifoRun = (scenario = MINI, kernel = 'pre-fix') => simulate({ scenario, variant: variantByName(kernel), strategy: fifo(), transport: memoTransport() });
const text = (s: PlaySnapshot) => JSON.stringify({ trace: s.trace, violations: s.violations });

describe('a played session', () => {
  it('stepped by hand through fifo\'s choices: the same trace and verdict as the run loop, the leak appearing with the step that caused it', async () => {
    const run = await fifoRun();
    const s = await open();
    let snap = s.snapshot();
    for (const [n, c] of run.choices.entries()) {
      // Every deliverable message is offered, grouped by receiver; the one fifo took is among them.
      const offered = snap.groups.flatMap((g) => g.choices);
      expect(offered.length).toBe(c.of);
      for (const g of snap.groups) expect(g.choices.every((x) => x.to === g.to)).toBe(true);
      const mine = offered.find((x) => x.ch === c.ch && x.k === c.k)!;
      expect(mine.text).toContain(`${mine.from} → ${mine.to} · `);
      expect(snap.violations).toEqual([]);
      await s.step(c);
      snap = s.snapshot();
      expect(snap.at).toBe(n + 1);
    }
    expect(snap.quiescent).toBe(true);
    expect(snap.groups).toEqual([]);
    expect(JSON.stringify(snap.trace)).toBe(JSON.stringify(run.trace));
    expect(snap.violations).toEqual(run.violations);
    expect(snap.violations.map((v) => [v.oracle, v.step])).toEqual([['leak', run.trace.length]]);
    expect(snap.objects.find((o) => o.id === 'mm#1')).toMatchObject({ alive: true, mm_users: 1, mm_count: 2 });
    await s.close();
  });

  it('undo, redo and going to a point walk one history; a deviation cuts it; a point outside it is refused', async () => {
    const run = await fifoRun();
    const s = await open();
    await s.run('fifo');
    const end = s.snapshot();
    expect(end.at).toBe(run.choices.length);
    await s.goTo(10);
    const at10 = s.snapshot();
    expect(at10.trace).toEqual(run.trace.slice(0, at10.boots + 10));
    expect(at10.line.length).toBe(run.choices.length);
    expect(at10.groups.flatMap((g) => g.choices).filter((c) => c.next).map((c) => c.ch)).toEqual([run.choices[10]!.ch]);
    await s.undo();
    expect(s.at).toBe(9);
    await s.redo();
    await s.redo();
    expect(s.at).toBe(11);
    await s.goTo(run.choices.length);
    expect(text(s.snapshot())).toBe(text(end));
    await expect(s.goTo(run.choices.length + 1)).rejects.toThrow(PlayError);
    await expect(s.step({ ch: 'nobody>nowhere' })).rejects.toThrow(/not deliverable at step/);

    // A deviation: at the first point with a choice, take another message than fifo did.
    const p = run.choices.findIndex((c) => c.of > 1);
    expect(p).toBeGreaterThanOrEqual(0);
    await s.goTo(p);
    const other = s.snapshot().groups.flatMap((g) => g.choices).find((c) => !c.next)!;
    await s.step(other);
    const dev = s.snapshot();
    expect(dev.line.length).toBe(p + 1);
    expect(dev.line[p]!.ch).toBe(other.ch);
    await expect(s.redo()).rejects.toThrow(PlayError);
    await s.close();
  });

  it('a saved history replays byte for byte (replay\'s own test covers the workers transport); reopened --from, it steps through and can be left', async () => {
    const s = await open();
    await s.run('random', 7);
    const played = s.snapshot();
    await s.goTo(12);
    const file = join(tmp(), 'played.json');
    const saved = await s.save(file, true);
    expect(s.at).toBe(12); // saving the whole line leaves the cursor where it was
    expect(saved.choices.length).toBe(played.at);
    expect(saved.violation?.oracle).toBe(played.violations[0]?.oracle);
    const inline = await replayScheduleFile(file, 'inline');
    expect(JSON.stringify(inline.result.trace)).toBe(JSON.stringify(played.trace));
    expect(inline.reproduced).toBe(true);
    expect(inline.completed).toBe(0);

    // The cursor's history only: replay completes the rest with fifo.
    const part = join(tmp(), 'part.json');
    expect((await s.save(part)).choices.length).toBe(12);

    const again = await PlaySession.fromFile(file);
    expect(again.at).toBe(0);
    expect(again.length).toBe(played.at);
    await again.goTo(again.length);
    expect(text(again.snapshot())).toBe(text(played));
    await again.goTo(5);
    const alt = again.snapshot().groups.flatMap((g) => g.choices).find((c) => !c.next);
    if (alt) {
      await again.step(alt);
      expect(again.length).toBe(6);
    }
    await s.close();
    await again.close();
  }, 30_000);

  it('a --from file that does not replay, or is not a schedule, is bad input', async () => {
    const dir = tmp();
    await expect(PlaySession.fromFile(join(dir, 'none.json'))).rejects.toThrow(BadInput);
    const s = await open();
    await s.run('fifo');
    const good = join(dir, 'good.json');
    await s.save(good);
    const doc = JSON.parse(readFileSync(good, 'utf8')) as { choices: Choice[] };
    doc.choices[3] = { ch: 'svm>nobody', k: 0, of: 1 };
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    await expect(PlaySession.fromFile(bad)).rejects.toThrow(/choice 4 of .* \(svm>nobody\) is not deliverable at step 3/);
    writeFileSync(bad, '{"choices": 3}');
    await expect(PlaySession.fromFile(bad)).rejects.toThrow(BadInput);
    // On another kernel the file is opened as it is: the history diverges where that kernel differs.
    const other = await PlaySession.fromFile(good, { variant: variantByName('fixed') });
    expect(other.snapshot().kernel).toBe('fixed');
    await s.close();
    await other.close();
  });

  it('a fault the scenario allows is a choice, marked as a fault, and firing it is the fault', async () => {
    const s = await open(loadScenario('fault-response-lost'), 'fixed');
    // Take no fault (and no context switch while anything else can run) until the response's is offered.
    let fault;
    for (let n = 0; n < 300 && !fault; n++) {
      const all = s.snapshot().groups.flatMap((g) => g.choices);
      fault = all.find((c) => c.fault === 'page-response-lost');
      if (!fault) await s.step(all.find((c) => c.kind !== 'fault' && !c.ch.includes(':sched')) ?? all.find((c) => c.kind !== 'fault')!);
    }
    expect(fault).toMatchObject({ kind: 'fault', fault: 'page-response-lost' });
    expect(fault!.text).toMatch(/^FAULT page-response-lost: faults → faults · /);
    expect(s.snapshot().groups.flatMap((g) => g.choices).some((c) => c.kind === 'pass')).toBe(true);
    await s.step(fault!);
    expect(s.snapshot().trace.at(-1)!.effects.some((e) => e.op === 'fault' && e.kind === 'page-response-lost')).toBe(true);
    await s.close();
  });

  it('runs to quiescence under a seeded strategy as the run loop does from the start', async () => {
    const s = await open(loadScenario('exit-with-mmap'));
    await s.run('random', 3);
    const r = await simulate({ scenario: loadScenario('exit-with-mmap'), variant: preFix, strategy: random(), seed: 3, transport: memoTransport() });
    expect(text(s.snapshot())).toBe(JSON.stringify({ trace: r.trace, violations: r.violations }));
    await s.close();
  });

  it('explore from here: every schedule starts with the prefix; a find becomes the history after it', async () => {
    const s = await open(loadScenario('exit-with-mmap'), 'fixed-no-release-flush');
    await s.run('fifo');
    await s.goTo(20);
    const prefix = s.snapshot().line.slice(0, 20).map(({ ch, k, of }) => ({ ch, k, of }));
    const here = await s.exploreHere({ strategy: 'pct', schedules: 60, seed: 0 });
    expect(here.at).toBe(20);
    expect(here.schedules).toBe(60);
    const hit = here.found.findIndex((f) => f.oracle === 'dma-freed');
    expect(hit).toBeGreaterThanOrEqual(0);
    expect(here.found[hit]!.choices.slice(0, 20)).toEqual(prefix);
    await s.takeFound(hit);
    expect(s.at).toBe(20);
    await s.goTo(s.length);
    const v = s.snapshot().violations.find((x) => x.oracle === 'dma-freed')!;
    expect(v.step).toBe(here.found[hit]!.step);
    await s.close();
  }, 30_000);
});
