// Controlled mode: the main thread's scheduler decides every delivery, the workers only carry
// them out, so a schedule gives the very same trace (byte for byte) as the inline transport.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_VARIANTS as VARIANTS } from '../../src/variants/variants.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { simulate } from '../../src/simulate.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { workersTransport, type WorkersTransport } from '../../src/runtime/threads/controlled.ts';
import type { WireInspection } from '../../src/runtime/threads/inspection.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { random } from '../../src/scheduler/random.ts';
import { KINDS } from '../../machines/index.ts';
import { handles, SLOW, specsOf } from './helpers.ts';

const SCHEDULES = [{ strategy: 'fifo', seed: 0 }, ...[1, 2, 3].map((seed) => ({ strategy: 'random', seed }))];

describe('workers transport, controlled', () => {
  let t: WorkersTransport;
  const inspected: WireInspection[] = [];
  let before = 0;
  beforeAll(async () => {
    before = handles();
    t = await workersTransport({ inspect: (e) => inspected.push(e) });
  }, SLOW);
  afterAll(() => t?.close());

  // One transport for every schedule: start() must reset each worker's actors.
  describe.each(builtinNames())('%s', (scenario) => {
    it.each(VARIANTS.map((v) => v.name))('%s: fifo and random seeds 1-3 give the inline trace', async (kernel) => {
      for (const { strategy, seed } of SCHEDULES) {
        const o = { scenario: loadScenario(scenario), variant: VARIANTS.find((v) => v.name === kernel)!, seed };
        const mk = () => (strategy === 'fifo' ? fifo() : random());
        const inline = await simulate({ ...o, strategy: mk(), transport: inlineTransport() });
        const workers = await simulate({ ...o, strategy: mk(), transport: t, keepOpen: true });
        expect(JSON.stringify(workers.trace), `${strategy} seed ${seed}`).toBe(JSON.stringify(inline.trace));
        expect(workers.choices).toEqual(inline.choices);
        expect(workers.views).toEqual(inline.views);
        expect(workers.violations).toEqual(inline.violations);
      }
    });
  });

  it('forwards inspection events of every actor, from every worker, as plain data', async () => {
    inspected.length = 0;
    const specs = specsOf('exit-with-mmap', 'fixed');
    const r = await simulate({ scenario: loadScenario('exit-with-mmap'), variant: VARIANTS[1]!, strategy: fifo(), transport: t, keepOpen: true });
    const created = inspected.filter((e) => e.type === '@xstate.actor');
    expect(created.map((e) => e.actorRef.id).sort()).toEqual(specs.map((s) => s.id).sort());
    // Every kind that has an actor in this world (the fault injector exists only where faults are
    // allowed, a files_struct only where a clone shares the fd table).
    expect(new Set(inspected.map((e) => e.worker))).toEqual(new Set(KINDS.filter((k) => k !== 'injector' && k !== 'files')));
    // Each actor is reported by the worker of its kind, under a session id unique across threads.
    for (const e of created) expect(e.worker).toBe(specs.find((s) => s.id === e.actorRef.id)!.kind);
    expect(new Set(created.map((e) => e.actorRef.sessionId)).size).toBe(created.length);
    // mm#1's events, as its worker saw them, are the trace's deliveries to mm#1, in order.
    const received = inspected.filter((e) => e.type === '@xstate.event' && e.actorRef.id === 'mm#1' && e.event?.type !== 'xstate.init');
    const delivered = r.trace.filter((e) => e.to === 'mm#1' && e.from !== 'boot');
    expect(received.map((e) => `${e.event!.type} from ${String(e.event!.from)}`)).toEqual(delivered.map((e) => `${e.event} from ${String(e.args.from ?? e.from)}`));
    const snap = inspected.filter((e) => e.type === '@xstate.snapshot' && e.actorRef.id === 'mm#1').at(-1);
    expect(snap?.snapshot?.status).toBe('active');
    expect(snap?.snapshot?.context).toHaveProperty('objs');
    expect(() => structuredClone(inspected)).not.toThrow();
  });

  it('closes every thread and port', async () => {
    await t.close();
    expect(handles()).toBe(before);
  });
});
