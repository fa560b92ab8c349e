// Shared by the workers tests: worlds by name, the thread/port handles this process holds, and a
// strategy that replays a recorded order of messages.
import { variantByName } from '../../src/variants/variants.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import type { ActorSpec, TraceEvent } from '../../src/runtime/types.ts';
import type { Strategy } from '../../src/runtime/strategy.ts';

export const specsOf = (scenario: string, kernel: string): ActorSpec[] => buildWorld(loadScenario(scenario), variantByName(kernel)).specs;

/** Worker threads and message ports alive in this process (a worker counts as ports too). */
export const handles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'MessagePort' || r === 'Worker').length;

/** Delivers exactly the messages of `trace`, in its order, failing if one is not deliverable. */
export const replayOf = (trace: TraceEvent[]): Strategy => {
  const seqs = trace.filter((e) => e.seq >= 0).map((e) => e.seq);
  return {
    name: 'replay',
    beginRun() {},
    pick(enabled, step) {
      const i = enabled.findIndex((m) => m.seq === seqs[step]);
      if (i < 0) throw new Error(`step ${step}: message ${seqs[step]} is not deliverable (${enabled.map((m) => m.seq).join(', ')})`);
      return i;
    },
  };
};

/** A trace without what only free-running records. */
export const untimed = (trace: TraceEvent[]) => trace.map(({ thread: _t, clock: _c, ...e }) => e);

/** Pool start-up spawns eight tsx workers: seconds on a busy two-core machine. */
export const SLOW = 120_000;
