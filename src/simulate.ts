// One run, start to verdict: scenario + variant → world → scheduled deliveries → oracles.
// The library call behind `svmsim run`, the explorer and the tests.
import type { Scenario } from './scenario/schema.ts';
import { buildWorld, type World } from './scenario/world.ts';
import type { Variant } from './variants/variants.ts';
import { DEFAULT_MAX_STEPS, runSchedule, type RunResult } from './runtime/run.ts';
import type { Transport, TraceEvent } from './runtime/types.ts';
import type { Strategy } from './runtime/strategy.ts';
import { judge, type Verdict } from './oracles/index.ts';

export interface SimOptions {
  scenario: Scenario;
  variant: Variant;
  strategy: Strategy;
  transport: Transport;
  seed?: number;
  maxSteps?: number;
  reorder?: boolean;
  onStep?: (ev: TraceEvent, pending: number) => void;
  /** Leave the transport open (a caller running many schedules closes it). */
  keepOpen?: boolean;
}

export interface SimResult extends RunResult, Verdict {
  world: World;
  seed: number;
}

export async function simulate(o: SimOptions): Promise<SimResult> {
  const world = buildWorld(o.scenario, o.variant);
  const maxSteps = o.maxSteps ?? DEFAULT_MAX_STEPS;
  try {
    const run = await runSchedule({ specs: world.specs, transport: o.transport, strategy: o.strategy, seed: o.seed, maxSteps, reorder: o.reorder, onStep: o.onStep });
    const { objects, violations } = judge(run, maxSteps);
    // Field by field, not spread: one object shape for every run (this is on the hot path).
    return { trace: run.trace, choices: run.choices, views: run.views, quiescent: run.quiescent, steps: run.steps, objects, violations, world, seed: o.seed ?? 0 };
  } finally {
    if (!o.keepOpen) await o.transport.close();
  }
}
