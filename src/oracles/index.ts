// All oracles over one finished run. They only observe: a trace in, violations out (P's specs).
// Step oracles judge each step against the objects as they were before it; end oracles judge the
// finished run's end; trace oracles follow a thread's history through the whole trace (the page
// response against what the fault thread found), on every run, ended or cut. judge() folds the
// first over the trace, then asks the others.
import type { ActorView, TraceEvent } from '../runtime/types.ts';
import { ObjectTable } from '../trace/objects.ts';
import { bugs } from './bugs.ts';
import { isolation } from './isolation.ts';
import { kasan } from './kasan.ts';
import { kmemleak } from './kmemleak.ts';
import { stuck } from './stuck.ts';
import { dropped } from './dropped.ts';
import { dangling } from './dangling.ts';
import { refcount } from './refcount.ts';
import { pageResponse } from './page-response.ts';
import { livelock } from './livelock.ts';
import { pasidIdr } from './pasid-idr.ts';
import type { Oracle, StepOracle, Violation } from './types.ts';

export const STEP_ORACLES: StepOracle[] = [kasan, bugs, isolation, dropped, pasidIdr];
export const END_ORACLES: Oracle[] = [kmemleak, stuck, dangling, refcount];
export const TRACE_ORACLES: Oracle[] = [pageResponse, livelock];

export interface Verdict {
  objects: ObjectTable;
  violations: Violation[];
}

/** The step oracles' verdict on one step, and the step applied to `objects`. */
export function judgeStep(ev: TraceEvent, objects: ObjectTable, out: Violation[]): void {
  for (const o of STEP_ORACLES) {
    const v = o(ev, objects);
    if (v) out.push(...v);
  }
  objects.apply(ev);
}

/** `lasso`: a run cut at a state on the search's stack: its deliveries after the first `lasso` are a cycle. */
type Run = { trace: TraceEvent[]; views: ActorView[]; quiescent: boolean; cut?: boolean; lasso?: number };

/** One shape for every run's oracle input (a spread of runs of several shapes is slow). */
const oracleInput = (run: Run, objects: ObjectTable, maxSteps: number) => ({ trace: run.trace, views: run.views, quiescent: run.quiescent, cut: run.cut, lasso: run.lasso, objects, maxSteps });

/** The end oracles' verdict on a finished run whose steps `objects` holds. */
export function judgeEnd(run: Run, objects: ObjectTable, maxSteps: number, out: Violation[]): void {
  const input = oracleInput(run, objects, maxSteps);
  for (const o of END_ORACLES) for (const v of o(input)) out.push(v);
}

/** The trace oracles' verdict on a run, ended or cut. */
export function judgeTrace(run: Run, objects: ObjectTable, maxSteps: number, out: Violation[]): void {
  const input = oracleInput(run, objects, maxSteps);
  for (const o of TRACE_ORACLES) for (const v of o(input)) out.push(v);
}

export function judge(run: Run, maxSteps: number): Verdict {
  const objects = new ObjectTable(run.trace);
  const violations: Violation[] = [];
  for (const ev of run.trace) judgeStep(ev, objects, violations);
  judgeEnd(run, objects, maxSteps, violations);
  judgeTrace(run, objects, maxSteps, violations);
  // Stable: among one step's violations, step oracles first, in their order (as before).
  return { objects, violations: violations.sort((a, b) => a.step - b.step) };
}
export type { Violation } from './types.ts';
