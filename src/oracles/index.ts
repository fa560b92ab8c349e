// All oracles over one finished run. They only observe: a trace in, violations out (P's specs).
import type { ActorView, TraceEvent } from '../runtime/types.ts';
import { objectTable, type ObjectTable } from '../trace/objects.ts';
import { bugs } from './bugs.ts';
import { isolation } from './isolation.ts';
import { kasan } from './kasan.ts';
import { kmemleak } from './kmemleak.ts';
import { livelock } from './livelock.ts';
import { stuck } from './stuck.ts';
import type { Oracle, Violation } from './types.ts';

export const ALL_ORACLES: Oracle[] = [kasan, bugs, isolation, kmemleak, stuck, livelock];

export interface Verdict {
  objects: ObjectTable;
  violations: Violation[];
}

export function judge(run: { trace: TraceEvent[]; views: ActorView[]; quiescent: boolean; cut?: boolean; lasso?: number }, maxSteps: number): Verdict {
  const objects = objectTable(run.trace);
  const input = { ...run, objects, maxSteps };
  const violations = ALL_ORACLES.flatMap((o) => o(input)).sort((a, b) => a.step - b.step);
  return { objects, violations };
}
export type { Violation } from './types.ts';
