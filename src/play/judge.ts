// The oracles at one point of a played history: each step's oracles over the trace so far (a
// violation carries the step that caused it); the end oracles once the run is over (nothing in
// flight, or the step limit reached), as `judge` does for a finished run; the trace oracles always
// (they judge a run ended or cut). At a point where messages are still in flight the run has no
// end yet: "stuck" there would only say that the user has not finished.
import { judgeEnd, judgeStep, judgeTrace } from '../oracles/index.ts';
import type { Violation } from '../oracles/types.ts';
import type { ActorView, TraceEvent } from '../runtime/types.ts';
import { ObjectTable } from '../trace/objects.ts';

export interface Judged {
  objects: ObjectTable;
  violations: Violation[];
}

export function judgeAt(trace: TraceEvent[], views: ActorView[], quiescent: boolean, ended: boolean, maxSteps: number): Judged {
  const objects = new ObjectTable(trace);
  const violations: Violation[] = [];
  for (const ev of trace) judgeStep(ev, objects, violations);
  const run = { trace, views, quiescent };
  if (ended) judgeEnd(run, objects, maxSteps, violations);
  judgeTrace(run, objects, maxSteps, violations);
  return { objects, violations: violations.sort((a, b) => a.step - b.step) };
}
