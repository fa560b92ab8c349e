// delay bounding, the portfolio and the guided search, strategy by strategy: on synthetic worlds
// where the orders can be worked out by hand, and on the model.
import { describe, expect, it } from 'vitest';
import { variantByName } from '../../src/variants/variants.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { runSchedule } from '../../src/runtime/run.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { breaksContracts, isFaultScenario } from '../../src/faults/scenarios.ts';
import { delayBounding } from '../../src/scheduler/delay.ts';
import { probabilistic } from '../../src/scheduler/probabilistic.ts';
import type { ExploringStrategy } from '../../src/scheduler/exploring.ts';
import { RunFeatures } from '../../src/scheduler/features.ts';
import { guided, WARMUP } from '../../src/scheduler/guided.ts';
import { cut, move, nearest, swap, swappable, type Step } from '../../src/scheduler/mutate.ts';
import { FAULT_ROTATION, memberOf, memberStrategy, portfolio, ROTATION } from '../../src/scheduler/portfolio.ts';
import { explore } from '../../src/explore/explore.ts';
import { withFaults } from '../../src/faults/override.ts';
import { simulate } from '../../src/simulate.ts';
import { order, send, syntheticWorld, twoThreads } from '../explore/synthetic.ts';

const once = (world: ReturnType<typeof syntheticWorld>, strategy: ExploringStrategy, seed = 0) =>
  runSchedule({ specs: world.specs, transport: world.transport, strategy, seed, onStep: (ev) => strategy.observe?.(ev) });
async function orders(strategy: ExploringStrategy, world = twoThreads, seeds = 40): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let seed = 0; seed < seeds; seed++) seen.add(order(await once(world(), strategy, seed)));
  return seen;
}

describe('probabilistic', () => {
  it('runs the threads round-robin, with now and then one uniform step that the base then runs past', async () => {
    // Mostly a's thread first (the base's order), but some seeds interleave: every order seen is a
    // round-robin order with uniform steps in it, and the same seed makes the same order.
    const seen = await orders(probabilistic({ p: 0.25 }), twoThreads, 60);
    expect(seen.has('a1 a2 a3 b1 b2 b3')).toBe(true);
    expect(seen.size).toBeGreaterThan(2);
    expect(await orders(probabilistic({ p: 0.25 }), twoThreads, 60)).toEqual(seen);
    // A lower chance leaves more runs in the base's order.
    const base = async (p: number) => {
      let n = 0;
      for (let seed = 0; seed < 60; seed++) if (order(await once(twoThreads(), probabilistic({ p }), seed)) === 'a1 a2 a3 b1 b2 b3') n++;
      return n;
    };
    expect(await base(0.05)).toBeGreaterThan(await base(0.5));
  });

  it('finds both kinds of race the hunt measures within a few schedules: the missing flush and the missing fault pin', async () => {
    const t = inlineTransport();
    for (const [kernel, oracles] of [['fixed-no-release-flush', ['dma-freed']], ['fixed-no-fault-pin', ['use-after-free', 'leak']]] as const) {
      const s = probabilistic();
      let first = -1;
      for (let seed = 0; seed < 30 && first < 0; seed++) {
        const r = await simulate({ scenario: loadScenario('fault-during-exit'), variant: variantByName(kernel), strategy: s, transport: t, seed, keepOpen: true });
        if (r.violations.some((v) => (oracles as readonly string[]).includes(v.oracle))) first = seed;
      }
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first).toBeLessThan(10);
    }
    await t.close();
  });
});

describe('delay', () => {
  it('with no delay runs each thread to the end, in the order they appeared', async () => {
    expect(await orders(delayBounding({ delays: 0, steps: 6 }))).toEqual(new Set(['a1 a2 a3 b1 b2 b3']));
  });

  it('with one delay skips the running thread once, at any step with a choice', async () => {
    // The delay at step 0, 1 or 2 skips a for b, which runs to its end; at 3–5 only b is left
    // (no choice), and a delay there with no later choice changes nothing.
    expect(await orders(delayBounding({ delays: 1, steps: 6 }))).toEqual(new Set(['b1 b2 b3 a1 a2 a3', 'a1 b1 b2 b3 a2 a3', 'a1 a2 b1 b2 b3 a3', 'a1 a2 a3 b1 b2 b3']));
  });

  it('moves a delay on a forced step to the next step with a choice', async () => {
    // p → q three times alone (forced steps 0–2); q's third receipt starts a → x and b → y. With
    // k = 3 the delay falls on a forced step, and moves to step 3: x's thread is skipped.
    const world = () =>
      syntheticWorld({
        p: { start: { sends: [send('q', 'f1'), send('q', 'f2'), send('q', 'f3')] } },
        q: { on: (_e, n) => (n === 2 ? { sends: [send('x', 'a1'), send('x', 'a2'), send('y', 'b1'), send('y', 'b2')] } : {}) },
        x: {},
        y: {},
      });
    expect(await orders(delayBounding({ delays: 1, steps: 3 }), world)).toEqual(new Set(['f1 f2 f3 b1 b2 a1 a2']));
    expect(await orders(delayBounding({ delays: 0, steps: 3 }), world)).toEqual(new Set(['f1 f2 f3 a1 a2 b1 b2']));
  });

  it('with two delays can come back: a b a', async () => {
    expect(await orders(delayBounding({ delays: 2, steps: 6 }), twoThreads, 80)).toContain('a1 b1 a2 a3 b2 b3');
  });

  it('is a function of its seed', async () => {
    const s = delayBounding({ delays: 2, steps: 6 });
    const a = await once(twoThreads(), s, 7);
    await once(twoThreads(), s, 8);
    expect((await once(twoThreads(), delayBounding({ delays: 2, steps: 6 }), 7)).choices).toEqual(a.choices);
  });
});

const scenario = loadScenario('exit-with-mmap');
const variant = variantByName('fixed-no-fault-pin');
const K = 147;
const model = (strategy: ExploringStrategy, seed: number) =>
  simulate({ scenario, variant, strategy, transport: inlineTransport(), seed, onStep: (ev) => strategy.observe?.(ev) }).then((r) => (strategy.endRun?.(), r));

describe('portfolio', () => {
  it('runs schedule n with member n mod the rotation, as that member alone would with its seed', async () => {
    const first = 500;
    const p = portfolio({ first, steps: K });
    for (let n = 0; n < ROTATION.length + 2; n++) {
      const r = await model(p, first + n);
      const m = ROTATION[n % ROTATION.length]!;
      expect(p.member()).toEqual({ ...m, seed: first + n, ...(m.strategy === 'random' || m.strategy === 'probabilistic' ? {} : { steps: K }) });
      const alone = await model(memberStrategy(m, K), first + n);
      expect(r.choices).toEqual(alone.choices);
    }
  });

  it('takes schedule numbers from its first seed: another --seed shifts the rotation with it', async () => {
    const p = portfolio({ first: 1000, steps: K });
    p.beginRun(1003);
    expect(p.member()).toMatchObject({ ...ROTATION[3], seed: 1003 });
    p.beginRun(1000 + ROTATION.length);
    expect(p.member()).toMatchObject({ ...ROTATION[0], seed: 1000 + ROTATION.length });
  });

  it('in a world that injects faults, runs pct at depth 4: the find names it, and the file replays as that member', async () => {
    const base = { variant: variantByName('fixed'), strategy: 'portfolio' as const, seed: 0, schedules: 100, maxSteps: 2000, transport: 'inline' as const, reorder: false, shrink: false, stopOnFirst: true };
    const faulted = await explore({ ...base, scenario: loadScenario('fault-timeout-reuse') });
    const hit = faulted.violations[0]!;
    expect(FAULT_ROTATION).toEqual([{ strategy: 'pct', depth: 4 }]);
    expect(hit.member).toMatchObject({ strategy: 'pct', depth: 4, seed: hit.seed });
    // A world without faults (--faults none) gets the default rotation.
    const clean = await explore({ ...base, variant: variantByName('fixed-no-fault-pin'), scenario: withFaults(loadScenario('exit-with-mmap'), 'none') });
    const v = clean.violations[0]!;
    const { steps: _k, ...m } = memberOf(v.schedule, 0) as { steps?: number };
    expect(v.member).toMatchObject({ ...m, seed: v.seed });
    expect(portfolio({ first: 0, steps: K, faults: true }).member()).toMatchObject({ strategy: 'pct', depth: 4 });
  });

  it('gives a world where a device DMAs with a PASID nobody bound the fault rotation too, and no other world', async () => {
    const base = { variant: variantByName('fixed'), strategy: 'portfolio' as const, seed: 0, schedules: 60, maxSteps: 2000, transport: 'inline' as const, reorder: false, shrink: false, stopOnFirst: true };
    const refused = loadScenario('fault-refused-dma');
    expect(refused.faults ?? []).toEqual([]);
    expect(breaksContracts(refused)).toBe(true);
    const hit = (await explore({ ...base, scenario: refused })).violations[0]!;
    expect(hit.member).toMatchObject({ strategy: 'pct', depth: 4, seed: hit.seed });
    // The same scenario with the device's own PASID is an ordinary world.
    const own: Scenario = { ...refused, processes: refused.processes.map((p) => ({ ...p, steps: p.steps.map((x) => (x.op === 'dma' ? { ...x, pasid: undefined } : x)) })) };
    expect(breaksContracts(own)).toBe(false);
    for (const name of builtinNames().filter((n) => !isFaultScenario(n))) expect(breaksContracts(loadScenario(name)), name).toBe(false);
  });

  it('rotates among the probabilistic member at two switch chances, random and pct at several depths', () => {
    const kinds = new Set(ROTATION.map((m) => `${m.strategy}${m.depth ?? m.delays ?? m.p ?? ''}`));
    expect(kinds).toEqual(new Set(['probabilistic0.1', 'probabilistic0.25', 'random', 'pct4', 'pct3', 'pct2']));
    expect(ROTATION[0]).toEqual({ strategy: 'probabilistic', p: 0.1 });
  });
});

describe('guided', () => {
  it('opens with one turn of the portfolio, then makes every other schedule a mutant of its corpus', async () => {
    const g = guided({ first: 0, steps: K });
    const p = portfolio({ first: 0, steps: K });
    for (let n = 0; n < WARMUP + 8; n++) {
      const r = await model(g, n);
      if (n < WARMUP || n % 2 === 0) {
        expect(r.choices).toEqual((await model(p, n)).choices);
        expect(g.member()).toEqual(p.member());
        continue;
      }
      const m = g.member();
      expect(m).toMatchObject({ strategy: 'mutant', seed: n, mutation: expect.stringMatching(/^(swap|move|cut) \d+/) });
      expect(m.parent).toBeLessThan(n);
    }
    expect(g.stats().mutants).toBe(4);
  });

  it('makes mutants in each job of --jobs 2 too: every other run of its own share', async () => {
    for (const j of [0, 1]) {
      const g = guided({ first: 0, steps: K });
      const kinds: string[] = [];
      for (let n = j; n < WARMUP + 8; n += 2) {
        await model(g, n);
        if (n >= WARMUP) kinds.push(g.member().strategy === 'mutant' ? 'mutant' : 'fresh');
      }
      // Every other run of this job's own share is a mutant (which one first follows from the
      // job's own run count at the first schedule after the warm-up).
      const mutantFirst = Math.ceil((WARMUP - j) / 2) % 2 === 1;
      expect(kinds).toEqual(mutantFirst ? ['mutant', 'fresh', 'mutant', 'fresh'] : ['fresh', 'mutant', 'fresh', 'mutant']);
    }
  });

  it('keeps a run only when it reaches something new', async () => {
    const g = guided({ first: 0, steps: K });
    await model(g, 1);
    const { corpus, features } = g.stats();
    expect(corpus).toBe(1);
    await model(g, 1);
    expect(g.stats()).toMatchObject({ corpus, features });
  });

  it('is deterministic: the same seeds give the same schedules, mutants included', async () => {
    const run = async () => {
      const g = guided({ first: 3, steps: K });
      const out: string[] = [];
      for (let n = 0; n < WARMUP + 6; n++) out.push(JSON.stringify((await model(g, 3 + n)).choices));
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('coverage features', () => {
  const ev = (step: number, from: string, to: string, event: string, state: string, effects: TraceEvent['effects'] = []): TraceEvent => ({ step, seq: step, from, to, event, args: {}, state, effects, cause: null });
  const features = (evs: TraceEvent[]) => {
    const f = new RunFeatures();
    for (const e of evs) f.observe(e);
    return f.end();
  };
  const alloc = { op: 'alloc', obj: 'page#1', kind: 'page', owner: 'mm', init: {} } as const;
  const free = { op: 'free', obj: 'page#1', kind: 'page' } as const;

  it('are a function of the trace, each with the delivery that first reached it', () => {
    const t = [ev(0, 'p', 'mm', 'mmap', 'live', [alloc]), ev(1, 'p', 'mm', 'exit', 'dead', [free])];
    const a = features(t);
    expect([...a]).toEqual([...features(t)]);
    // (state, event) ×2, the pair none (one actor), one fate, no object left, the end state.
    expect(a.size).toBe(4);
    expect([...a.values()].sort()).toEqual([0, 1, 1, 1]);
  });

  it('tell apart two actors seen in other states together', () => {
    // a goes s1 → s2 and b t1 → t2: interleaved, (s1, t1), (s1, t2), (s2, t2) are seen together;
    // a first, (s2, t1) is new. Every (state, event) step and the end state are the same.
    const a = (step: number, e: string, st: string) => ev(step, 'p', 'a', e, st);
    const b = (step: number, e: string, st: string) => ev(step, 'p', 'b', e, st);
    const base = features([a(0, 'e1', 's1'), b(1, 'f1', 't1'), b(2, 'f2', 't2'), a(3, 'e2', 's2')]);
    const other = features([a(0, 'e1', 's1'), a(1, 'e2', 's2'), b(2, 'f1', 't1'), b(3, 'f2', 't2')]);
    expect([...other.keys()].filter((k) => !base.has(k))).toHaveLength(1);
    expect(base.size).toBe(4 + 3 + 1);
  });

  it('tell apart an object freed by another path, and one that lives on', () => {
    const base = features([ev(0, 'p', 'mm', 'mmap', 'live', [alloc]), ev(1, 'p', 'vma', 'open', 'mapped'), ev(2, 'p', 'mm', 'exit', 'dead', [free])]);
    const added = (evs: TraceEvent[]) => [...features(evs).keys()].filter((k) => !base.has(k)).length;
    // Freed by munmap: a new (state, event) step, a new fate, a new end state.
    expect(added([ev(0, 'p', 'mm', 'mmap', 'live', [alloc]), ev(1, 'p', 'vma', 'open', 'mapped'), ev(2, 'p', 'mm', 'munmap', 'dead', [free])])).toBe(3);
    // Never freed: page lives on (a fate), and a new end state.
    expect(added([ev(0, 'p', 'mm', 'mmap', 'live', [alloc]), ev(1, 'p', 'vma', 'open', 'mapped'), ev(2, 'p', 'mm', 'exit', 'dead')])).toBe(2);
    // The same run again: nothing new.
    expect(added([ev(0, 'p', 'mm', 'mmap', 'live', [alloc]), ev(1, 'p', 'vma', 'open', 'mapped'), ev(2, 'p', 'mm', 'exit', 'dead', [free])])).toBe(0);
  });
});

describe('mutations', () => {
  const steps: Step[] = [
    { ch: 'a>x', k: 0, to: 'x', link: 'a~x', preempt: false },
    { ch: 'a>x', k: 0, to: 'x', link: 'a~x', preempt: false },
    { ch: 'b>y', k: 0, to: 'y', link: 'b~y', preempt: true },
    { ch: 'b>y', k: 0, to: 'y', link: 'b~y', preempt: false },
    { ch: 'a>x', k: 0, to: 'x', link: 'a~x', preempt: false },
  ];
  const chs = (m: { choices: { ch: string }[] }) => m.choices.map((c) => c.ch[0]).join('');

  it('swap exchanges two adjacent deliveries to different actors only', () => {
    expect(swappable(steps)).toEqual([1, 3]);
    expect(chs(swap(steps, 1))).toBe('ababa');
    expect(swap(steps, 3).mutation).toBe('swap 3');
  });

  it('move shifts the stretch a change point starts, clamped to the run', () => {
    expect(chs(move(steps, 2, -1))).toBe('abbaa');
    expect(chs(move(steps, 2, 1))).toBe('aaabb');
    expect(move(steps, 2, 4).mutation).toBe('move 2 +1');
    expect(chs(move(steps, 2, -4))).toBe('bbaaa');
  });

  it('cut keeps the schedule up to the frontier; nearest finds the candidate closest to it', () => {
    expect(chs(cut(steps, 2))).toBe('aa');
    expect(nearest([1, 3], 2)).toBe(1);
    expect(nearest([1, 4], 3)).toBe(4);
    expect(nearest([], 3)).toBeUndefined();
  });
});
