// What an oracle sees (the finished run, read-only) and what it reports.
import type { ActorView, TraceEvent } from '../runtime/types.ts';
import type { ObjectTable } from '../trace/objects.ts';

export type OracleName = 'leak' | 'use-after-free' | 'dma-freed' | 'isolation' | 'invariant' | 'stuck' | 'dropped' | 'dangling' | 'refcount' | 'page-response' | 'livelock';
export const ORACLES: OracleName[] = ['leak', 'use-after-free', 'dma-freed', 'isolation', 'invariant', 'stuck', 'dropped', 'dangling', 'refcount', 'page-response', 'livelock'];

export interface Violation {
  oracle: OracleName;
  /** Reads like a kernel splat: `BUG: KASAN: use-after-free in ...`. */
  message: string;
  step: number;
  /** The objects and actors it names. */
  objects?: string[];
  actors?: string[];
  /** livelock: the counterexample is a lasso, `prefix` deliveries then a `cycle` of deliveries
   * that returns to the state the prefix reached (src/faults/lasso.ts replays and checks it). */
  lasso?: { prefix: number; cycle: number };
}

export interface Judged {
  trace: TraceEvent[];
  objects: ObjectTable;
  views: ActorView[];
  quiescent: boolean;
  maxSteps: number;
  /** A stateful search's run cut at a state explored before: it has no end to judge. */
  cut?: boolean;
  /** Cut at a state on the search's stack: the deliveries after the first `lasso` form a cycle. */
  lasso?: number;
}

export type Oracle = (run: Judged) => Violation[];

/** An oracle of one step: a function of the step and the objects as they were before it (P's
 * spec machines observe one event at a time). A search judges each transition once with these. */
export interface StepOracle {
  (ev: TraceEvent, objects: ObjectTable): Violation[] | undefined;
}
