// What the faults of a run account for (src/faults/harms.ts): a violation is explained only by a
// fault that fired and can cause it; no kind fires beyond the world's budget; explore tells a
// fault's harm from a bug of the model itself.
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { faultBudgets, firedFaults, overBudget, unexplained } from '../../src/faults/harms.ts';
import { FAULT_SCENARIOS } from '../../src/faults/scenarios.ts';
import { withFaults } from '../../src/faults/override.ts';
import { variantByName } from '../../src/variants/variants.ts';
import type { Violation } from '../../src/oracles/types.ts';
import { memoTransport } from '../../src/engine/memo.ts';
import { makeExploreStrategy } from '../../src/scheduler/index.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { random } from '../../src/scheduler/random.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { simulate } from '../../src/simulate.ts';

const fixed = variantByName('fixed');
const v = (oracle: Violation['oracle'], actors?: string[]): Violation => ({ oracle, message: oracle, step: 1, actors });

describe('unexplained', () => {
  const stopSlow = loadScenario('fault-stop-slow');
  const fired = new Map([['dma-stop-slow', 1]]);
  it('a use-after-free by the page-request thread is what dma-stop-slow causes; by another thread it is not', () => {
    expect(unexplained(stopSlow, [v('use-after-free', ['prq', 'svm'])], fired)).toEqual([]);
    expect(unexplained(stopSlow, [v('use-after-free', ['file#1'])], fired)).toHaveLength(1);
  });
  it('nothing is explained where no fault fired, and a kind explains only its own harms', () => {
    expect(unexplained(stopSlow, [v('use-after-free', ['prq'])], new Map())).toHaveLength(1);
    expect(unexplained(stopSlow, [v('stuck')], fired)).toHaveLength(1);
    expect(unexplained(stopSlow, [v('stuck')], new Map([['page-response-lost', 1]]))).toEqual([]);
    expect(unexplained(stopSlow, [v('dropped')], new Map([['page-response-lost', 1], ['device-timeout', 1]]))).toHaveLength(1);
  });
  it('a lost response alone explains no use-after-free: the device still waits, so release never unbinds; its timeout does', () => {
    // intel-svm.c (4.4) intel_svm_unbind_mm: "We mandate that no page faults may be outstanding for
    // the PASID when intel_svm_unbind_mm() is called": device-timeout breaks that, a lost response does not.
    const lost = loadScenario('fault-response-lost');
    const uaf = [v('use-after-free', ['prq', 'svm'])];
    expect(unexplained(lost, uaf, new Map([['page-response-lost', 1]]))).toHaveLength(1);
    expect(unexplained(lost, uaf, new Map([['page-response-lost', 1], ['device-timeout', 1]]))).toEqual([]);
  });
  it("a scenario's DMA with a PASID of its own explains the isolation it causes, and only that", () => {
    const rogue = loadScenario('fault-refused-dma');
    expect(unexplained(rogue, [v('isolation')], new Map())).toEqual([]);
    expect(unexplained(rogue, [v('leak')], new Map())).toHaveLength(1);
  });
});

describe('budgets', () => {
  it("a world's budgets are what its actors were given, per kind over its scopes", () => {
    expect(faultBudgets(buildWorld(loadScenario('fault-response-lost'), fixed).specs)).toEqual({ 'page-response-lost': 1, 'device-timeout': 1 });
    const two = loadScenario('two-devices');
    const all = withFaults(two, 'dma-stop-slow,page-response-dup,worker-crash');
    const files = buildWorld(two, fixed).specs.filter((s) => s.kind === 'file').length;
    expect(faultBudgets(buildWorld(all, fixed).specs)).toEqual({ 'dma-stop-slow': files, 'page-response-dup': two.devices.length, 'worker-crash': 1 });
    expect(faultBudgets(buildWorld(loadScenario('exit-with-mmap'), fixed).specs)).toEqual({});
  });
  it('a kind over its budget is named with its counts', () => {
    expect(overBudget(new Map([['dma-stop-slow', 2], ['device-timeout', 1]]), { 'dma-stop-slow': 1, 'device-timeout': 1 })).toEqual(['dma-stop-slow fired 2 times, budget 1']);
    expect(overBudget(new Map([['page-response-lost', 1]]), {})).toEqual(['page-response-lost fired 1 times, budget 0']);
  });
});

describe('the fault scenarios on fixed: every violation is a harm of a fault that fired, within budget', () => {
  it.each(FAULT_SCENARIOS)('%s', async (name) => {
    const scenario = loadScenario(name);
    const t = memoTransport();
    try {
      const budgets = faultBudgets(buildWorld(scenario, fixed).specs);
      const steps = (await simulate({ scenario, variant: fixed, strategy: fifo(), transport: t, maxSteps: 3000, keepOpen: true })).steps;
      let harms = 0;
      for (let i = 0; i < 120; i++) {
        const [strategy, seed] = [i % 2 ? makeExploreStrategy('pct', { steps }) : random(), 1 + (i >> 1)];
        const r = await simulate({ scenario, variant: fixed, strategy, transport: t, seed, maxSteps: 3000, keepOpen: true });
        const fired = firedFaults(r.trace);
        expect(unexplained(scenario, r.violations, fired), `schedule ${i}`).toEqual([]);
        expect(overBudget(fired, budgets), `schedule ${i}`).toEqual([]);
        harms += r.violations.length;
      }
      // The check has something to judge: each scenario but the duplicated response shows harm.
      if (name !== 'fault-response-dup') expect(harms).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});

describe('explore tells a harm of the broken contract from a bug of the model', () => {
  const base = { seed: 0, maxSteps: 3000, transport: 'inline' as const, reorder: false, strategy: 'portfolio' as const, schedules: 150 };
  it("fault-stop-slow on fixed: the use-after-free comes with the fault that explains it", async () => {
    const r = await explore({ ...base, scenario: loadScenario('fault-stop-slow'), variant: fixed });
    expect(r.violations.map((x) => [x.oracle, x.faults])).toEqual([['use-after-free', { fired: ['dma-stop-slow'], explained: true }]]);
  });
  it("on pre-fix the mm_users cycle's leak is the kernel's own bug, whatever faults fired", async () => {
    const r = await explore({ ...base, scenario: loadScenario('fault-stop-slow'), variant: variantByName('pre-fix') });
    const leak = r.violations.find((x) => x.oracle === 'leak')!;
    expect(leak.faults?.explained).toBe(false);
  });
  it('a world that breaks no contract gets no fault attribution', async () => {
    const r = await explore({ ...base, scenario: loadScenario('exit-with-mmap'), variant: variantByName('pre-fix'), schedules: 5 });
    expect(r.violations.length).toBeGreaterThan(0);
    expect(r.violations.every((x) => x.faults === undefined)).toBe(true);
  });
});
