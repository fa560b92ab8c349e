// random, pct, replay and the preemption count on synthetic worlds and on the model.
import { describe, expect, it } from 'vitest';
import { variantByName } from '../../src/variants/variants.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { runSchedule } from '../../src/runtime/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { ExploringStrategy } from '../../src/scheduler/exploring.ts';
import { nonpreemptive } from '../../src/scheduler/nonpreemptive.ts';
import { pct } from '../../src/scheduler/pct.ts';
import { countingPreemptions } from '../../src/scheduler/preemption.ts';
import { random } from '../../src/scheduler/random.ts';
import { Diverged, replay } from '../../src/scheduler/replay.ts';
import { simulate } from '../../src/simulate.ts';
import { order, send, syntheticWorld, twoThreads, type SynthActor } from '../explore/synthetic.ts';

const once = (world: ReturnType<typeof syntheticWorld>, strategy: ExploringStrategy, seed = 0, reorder = false) =>
  runSchedule({ specs: world.specs, transport: world.transport, strategy, seed, reorder, onStep: (ev) => strategy.observe?.(ev) });

/** How often the delivered order switches between the two threads. */
const switches = (o: string) => o.split(' ').filter((e, i, a) => i > 0 && e[0] !== a[i - 1]![0]).length;
/** The orders of the two threads over seeds 0–19, each asserted to switch threads exactly once. */
async function oneSwitchOrders(strategy: ExploringStrategy): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    const o = order(await once(twoThreads(), strategy, seed));
    expect(switches(o)).toBe(1);
    seen.add(o);
  }
  return seen;
}

describe('pct', () => {
  it('with d = 1 runs one thread to the end, then the other (priorities only)', async () => {
    expect(await oneSwitchOrders(pct({ depth: 1, steps: 6 }))).toEqual(new Set(['a1 a2 a3 b1 b2 b3', 'b1 b2 b3 a1 a2 a3']));
  });

  it('with d = 2 switches at most twice: one change point', async () => {
    const counts = new Set<number>();
    for (let seed = 0; seed < 40; seed++) counts.add(switches(order(await once(twoThreads(), pct({ depth: 2, steps: 6 }), seed))));
    expect([...counts].every((c) => c >= 1 && c <= 2)).toBe(true);
    expect(counts.has(2)).toBe(true);
  });

  it('is a function of its seed', async () => {
    const s = pct({ depth: 3, steps: 6 });
    const a = await once(twoThreads(), s, 9);
    await once(twoThreads(), s, 10);
    const b = await once(twoThreads(), pct({ depth: 3, steps: 6 }), 9);
    expect(b.choices).toEqual(a.choices);
    expect((await once(twoThreads(), s, 9)).choices).toEqual(a.choices);
  });

  // p → q three times, alone (forced steps 0–2); q's third call starts two threads, q → x and q → y.
  const forcedThenTwo = () =>
    syntheticWorld({
      p: { start: { sends: [send('q', 'f1'), send('q', 'f2'), send('q', 'f3')] } },
      q: { on: (_e, n) => (n === 2 ? { sends: [send('x', 'a1'), send('x', 'a2'), send('x', 'a3'), send('y', 'b1'), send('y', 'b2'), send('y', 'b3')] } : {}) },
      x: {},
      y: {},
    });

  it('moves a change point on a forced step to the next step with a choice', async () => {
    // k = 3: both points of d = 3 fall on the forced steps. Moved to steps 3 and 4, the first
    // drops the thread about to run, the second the other one; if it drops below the first, the
    // first runs on between: b1 a1 a2 a3 b2 b3. Without the move, as with d = 1, one switch only.
    const seen = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const o = order(await once(forcedThenTwo(), pct({ depth: 3, steps: 3 }), seed));
      expect(o.startsWith('f1 f2 f3 ')).toBe(true);
      seen.add(o.slice('f1 f2 f3 '.length));
    }
    expect(seen).toEqual(new Set(['a1 a2 a3 b1 b2 b3', 'b1 b2 b3 a1 a2 a3', 'a1 b1 b2 b3 a2 a3', 'b1 a1 a2 a3 b2 b3']));
    for (let seed = 0; seed < 40; seed++) expect(switches(order(await once(forcedThenTwo(), pct({ depth: 1, steps: 3 }), seed)).slice('f1 f2 f3 '.length))).toBe(1);
  });

  it('takes a call and its return as one thread (the link between two actors)', async () => {
    // a calls x twice and b calls y twice, each call answered (a1 ra1 a2 ra2). With one thread
    // per direction, priorities alone would let a return wait behind the other pair's call.
    const caller = (to: string, tag: string): SynthActor => ({
      start: { sends: [send(to, `${tag}1`)] },
      on: (_e, n) => (n === 0 ? { sends: [send(to, `${tag}2`)] } : {}),
    });
    const callee = (to: string, tag: string): SynthActor => ({ on: (_e, n) => ({ sends: [send(to, `r${tag}${n + 1}`)] }) });
    const calls = () => syntheticWorld({ a: caller('x', 'a'), b: caller('y', 'b'), x: callee('a', 'a'), y: callee('b', 'b') });
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) seen.add(order(await once(calls(), pct({ depth: 1, steps: 8 }), seed)));
    expect(seen).toEqual(new Set(['a1 ra1 a2 ra2 b1 rb1 b2 rb2', 'b1 rb1 b2 rb2 a1 ra1 a2 ra2']));
  });

  it('drops the highest thread before the choice at a change point', async () => {
    // k = 1 puts the point at step 0: the thread that would have gone first goes last, and the
    // other runs all three. Dropped after its first message instead, it would give a1 b1 b2 b3 a2 a3.
    expect((await oneSwitchOrders(pct({ depth: 2, steps: 1 }))).size).toBe(2);
  });
});

describe('replay', () => {
  const scenario = loadScenario('exit-with-mmap');
  const variant = variantByName('fixed-no-fault-pin');

  it('reproduces a random schedule of the model byte for byte', async () => {
    for (const seed of [1, 2, 3]) {
      const a = await simulate({ scenario, variant, strategy: random(), transport: inlineTransport(), seed });
      const b = await simulate({ scenario, variant, strategy: replay(a.choices), transport: inlineTransport() });
      expect(JSON.stringify(b.trace)).toBe(JSON.stringify(a.trace));
      expect(b.violations).toEqual(a.violations);
    }
  });

  it('names the step where a recorded channel is not deliverable', async () => {
    const a = await simulate({ scenario, variant, strategy: random(), transport: inlineTransport(), seed: 4 });
    const bad = a.choices.map((c, i) => (i === 5 ? { ...c, ch: 'nobody>nowhere' } : c));
    await expect(simulate({ scenario, variant, strategy: replay(bad), transport: inlineTransport() })).rejects.toThrow(
      /diverged at step 5: the recorded channel nobody>nowhere is not deliverable \(deliverable: /,
    );
    await expect(simulate({ scenario, variant, strategy: replay(bad), transport: inlineTransport() })).rejects.toBeInstanceOf(Diverged);
  });

  it('follows queue positions within a channel under reorder', async () => {
    const r = await once(twoThreads(), replay([{ ch: 'a>x', k: 2, of: 6 }, { ch: 'a>x', k: 1, of: 5 }]), 0, true);
    expect(order(r)).toBe('a3 a2 a1 b1 b2 b3');
  });
});

describe('preemptions', () => {
  // p calls q, q answers r; s → t is another thread.
  const world = () => syntheticWorld({ p: { start: { sends: [send('q', 'call')] } }, q: { on: () => ({ sends: [send('r', 'ret')] }) }, r: {}, s: { start: { sends: [send('t', 'x')] } }, t: {} });

  it('counts switching away from a thread that could go on, not a free switch', async () => {
    const count = async (choices: { ch: string; k: number; of: number }[]) => {
      const s = countingPreemptions(replay(choices));
      await once(world(), s);
      return s.preemptions;
    };
    expect(await count([{ ch: 'p>q', k: 0, of: 2 }, { ch: 's>t', k: 0, of: 2 }, { ch: 'q>r', k: 0, of: 1 }])).toBe(1);
    expect(await count([{ ch: 'p>q', k: 0, of: 2 }, { ch: 'q>r', k: 0, of: 2 }, { ch: 's>t', k: 0, of: 1 }])).toBe(0);
    expect(await count([{ ch: 's>t', k: 0, of: 2 }, { ch: 'p>q', k: 0, of: 1 }, { ch: 'q>r', k: 0, of: 1 }])).toBe(0);
  });

  it('nonpreemptive never preempts', async () => {
    const s = countingPreemptions(nonpreemptive());
    const r = await once(world(), s);
    expect(order(r)).toBe('call ret x');
    expect(s.preemptions).toBe(0);
  });
});
