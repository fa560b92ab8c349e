// The shrinker on a synthetic world whose bug needs exactly one preemption.
import { describe, expect, it } from 'vitest';
import { shrink } from '../../src/explore/shrink.ts';
import type { Violation } from '../../src/oracles/types.ts';
import { runSchedule } from '../../src/runtime/run.ts';
import type { ExploringStrategy } from '../../src/scheduler/exploring.ts';
import { random } from '../../src/scheduler/random.ts';
import { mixSeed } from '../../src/scheduler/seed.ts';
import type { SimResult } from '../../src/simulate.ts';
import { send, syntheticWorld } from './synthetic.ts';

// Two threads of three steps each: every step of a thread is sent by the one before (a1 → a2 → a3).
const world = () =>
  syntheticWorld({
    a: { start: { sends: [send('a', 'a1')] }, on: (_e, n) => ({ sends: n < 2 ? [send('a', `a${n + 2}`)] : [] }) },
    b: { start: { sends: [send('b', 'b1')] }, on: (_e, n) => ({ sends: n < 2 ? [send('b', `b${n + 2}`)] : [] }) },
  });

/** The "bug": b1 runs between a2 and a3 (thread a preempted after a2). */
const bug = (order: string[]): Violation[] => {
  const [a2, b1, a3] = ['a2', 'b1', 'a3'].map((e) => order.indexOf(e));
  return a2 < b1 && b1 < a3 ? [{ oracle: 'invariant', message: 'b1 between a2 and a3', step: b1! }] : [];
};

const run = async (strategy: ExploringStrategy, seed = 0) => {
  const w = world();
  const r = await runSchedule({ specs: w.specs, transport: w.transport, strategy, seed, onStep: (ev) => strategy.observe?.(ev) });
  return { ...r, violations: bug(r.trace.map((t) => t.event)) } as unknown as SimResult;
};

describe('shrink', () => {
  it('brings a failing schedule down to its one necessary preemption', async () => {
    let failing: SimResult | null = null;
    for (let seed = 0; !failing && seed < 500; seed++) {
      const r = await run(random(), mixSeed(seed));
      const switches = r.trace.filter((t, i) => i > 0 && t.to !== r.trace[i - 1]!.to).length;
      if (r.violations.length && switches >= 3) failing = r;
    }
    if (!failing) throw new Error('no failing schedule with 3 switches in 500 seeds');
    const s = (await shrink({ choices: failing.choices, oracle: 'invariant', run: (st) => run(st) }))!;
    expect(s.original.preemptions).toBeGreaterThanOrEqual(2);
    expect([s.best.preemptions, s.best.deliveries, s.best.deviations.length]).toEqual([1, 6, 1]);
    expect(s.best.violation.message).toBe('b1 between a2 and a3');
    expect(s.best.choices.map((c) => c.ch)).toEqual(['a>a', 'a>a', 'b>b', 'b>b', 'b>b', 'a>a']);
  });

  it('gives up (null) when the schedule does not fail at all', async () => {
    const ok = await run(random(), 1);
    const choices = ok.violations.length ? [] : ok.choices;
    expect(await shrink({ choices, oracle: 'use-after-free', run: (st) => run(st) })).toBeNull();
  });
});
