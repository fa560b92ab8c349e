// Free-running: the workers deliver to each other with no scheduler; the main thread records the
// order the deliveries really happened in. Whatever that order, it must be a schedule: the
// controlled runner, told to deliver the same messages in the same order, gets the same trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judge } from '../../src/oracles/index.ts';
import { runSchedule } from '../../src/runtime/run.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { runFree } from '../../src/runtime/threads/free.ts';
import type { WireInspection } from '../../src/runtime/threads/inspection.ts';
import { WorkerPool } from '../../src/runtime/threads/pool.ts';
import { KINDS } from '../../machines/index.ts';
import { handles, replayOf, SLOW, specsOf, untimed } from './helpers.ts';

describe('workers, free-running', () => {
  let pool: WorkerPool;
  let before = 0;
  const inspected: WireInspection[] = [];
  beforeAll(async () => {
    before = handles();
    pool = await WorkerPool.open({ inspect: (e) => inspected.push(e) });
  }, SLOW);
  afterAll(() => pool?.close());

  const worlds = [
    ['exit-with-mmap', 'pre-fix'],
    ['fault-during-exit', 'fixed-no-fault-pin'],
    ['graphics', 'fixed-no-release-flush'],
    ['two-processes', 'fixed'],
  ];
  it.each(worlds)('%s on %s: every run, with and without jitter, is a causal order that replays to its own trace', async (scenario, kernel) => {
    const specs = specsOf(scenario, kernel);
    const kindOf = new Map(specs.map((s) => [s.id, s.kind]));
    for (const [seed, jitterUs] of [[0, 0], [1, 0], [2, 300], [3, 300]] as const) {
      const run = await runFree(pool, { specs, seed, jitterUs });
      const where = `seed ${seed}, jitter ${jitterUs}`;
      expect(run.quiescent, where).toBe(true);
      const again = await runSchedule({ specs, transport: inlineTransport(), strategy: replayOf(run.trace) });
      expect(JSON.stringify(untimed(run.trace)), where).toBe(JSON.stringify(again.trace));
      expect(run.views, where).toEqual(again.views);
      // Each delivery ran on the worker of its receiver's kind, under a Lamport clock: a thread's
      // clock only grows, and a delivery comes after the one that sent its message.
      const last = new Map<string, number>();
      for (const ev of run.trace.filter((e) => e.from !== 'boot')) {
        expect(ev.thread, where).toBe(kindOf.get(ev.to));
        expect(ev.clock!, where).toBeGreaterThan(last.get(ev.thread!) ?? 0);
        last.set(ev.thread!, ev.clock!);
        const cause = ev.cause === null ? undefined : run.trace[ev.cause];
        if (cause?.clock !== undefined) expect(ev.clock!, where).toBeGreaterThan(cause.clock);
      }
    }
  }, SLOW);

  it('the oracles judge free runs: pre-fix exit-with-mmap always leaks, the seed patch never fails', async () => {
    for (const [kernel, oracles] of [['pre-fix', ['leak']], ['fixed', []]] as const) {
      const specs = specsOf('exit-with-mmap', kernel);
      for (let seed = 0; seed < 4; seed++) {
        const run = await runFree(pool, { specs, seed, jitterUs: 200 });
        expect(judge(run, 2000).violations.map((v) => v.oracle), `${kernel} seed ${seed}`).toEqual(oracles);
      }
    }
  }, SLOW);

  it('a step budget stops a run that has not quiesced; the next run on the same threads starts clean', async () => {
    const specs = specsOf('exit-with-mmap', 'fixed');
    const cut = await runFree(pool, { specs, maxSteps: 10 });
    expect(cut.quiescent).toBe(false);
    expect(cut.steps).toBe(10);
    expect(judge(cut, 10).violations.map((v) => v.oracle)).toContain('stuck');
    const full = await runFree(pool, { specs, jitterUs: 100 });
    expect(full.quiescent).toBe(true);
    const again = await runSchedule({ specs, transport: inlineTransport(), strategy: replayOf(full.trace) });
    expect(JSON.stringify(untimed(full.trace))).toBe(JSON.stringify(again.trace));
  }, SLOW);

  it('forwards inspection events of every actor from every worker', async () => {
    inspected.length = 0;
    const specs = specsOf('two-processes', 'fixed');
    const run = await runFree(pool, { specs, jitterUs: 100 });
    expect(inspected.filter((e) => e.type === '@xstate.actor').map((e) => e.actorRef.id).sort()).toEqual(specs.map((s) => s.id).sort());
    expect(new Set(inspected.map((e) => e.worker))).toEqual(new Set(specs.map((s) => s.kind)));
    const events = inspected.filter((e) => e.type === '@xstate.event' && e.event?.type !== 'xstate.init');
    expect(events.length).toBe(run.trace.filter((e) => e.from !== 'boot').length);
  }, SLOW);

  it('closes every thread and port', async () => {
    await pool.close();
    expect(handles()).toBe(before);
  });
});
