// The step limit a world gets when none is given: what run, explore and fuzz cut a run at.
import { DEFAULT_MAX_STEPS } from '../runtime/run.ts';
import type { Scenario } from './schema.ts';

/** Deliveries per scenario step the default step limit allows: the built-in worlds take 11–20
 * per step under fifo (50 copies of exit-with-mmap: 4,035 for 350 steps), so 40 leaves room. */
export const STEPS_PER_SCENARIO_STEP = 40;

/** The step limit when none is given: 2000, or more for a world with many steps, so that a big
 * world is not reported as a hang. */
export const defaultMaxSteps = (s: Scenario): number =>
  Math.max(DEFAULT_MAX_STEPS, STEPS_PER_SCENARIO_STEP * s.processes.reduce((n, p) => n + p.steps.length, 0));

/** What to try after a run reached `maxSteps`: the default when the limit was below it (`--max-steps
 * 1` once suggested 4), four times the limit otherwise. */
export const moreStepsHint = (maxSteps: number): string =>
  maxSteps < DEFAULT_MAX_STEPS ? `leave --max-steps out (the default is ${DEFAULT_MAX_STEPS}, or ${STEPS_PER_SCENARIO_STEP} per scenario step for a bigger world)` : `try --max-steps ${maxSteps * 4}`;
