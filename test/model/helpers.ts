// Shared by the model tests: run a scenario, read counts at a step, find steps by what happened.
import { variantByName } from '../../src/variants/variants.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { simulate, type SimResult } from '../../src/simulate.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { random } from '../../src/scheduler/random.ts';
import { objectTable } from '../../src/trace/objects.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';

export const run = (scenario: string, kernel: string, seed?: number): Promise<SimResult> =>
  simulate({
    scenario: loadScenario(scenario),
    variant: variantByName(kernel),
    strategy: seed === undefined ? fifo() : random(),
    seed,
    transport: inlineTransport(),
  });

/** mm#1's mm_users and mm_count and file#1's f_count after `step` (undefined: not allocated). */
export function countsAfter(trace: TraceEvent[], step: number) {
  const t = objectTable(trace.slice(0, step + 1));
  return { mm_users: t.get('mm#1')?.mm_users, mm_count: t.get('mm#1')?.mm_count, f_count: t.get('file#1')?.f_count };
}

/** The first step matching, after `from`; fails loudly when there is none. */
export function stepOf(trace: TraceEvent[], what: string, match: (e: TraceEvent) => boolean, from = 0): number {
  const e = trace.find((x) => x.step >= from && match(x));
  if (!e) throw new Error(`no step for ${what}`);
  return e.step;
}

export const is = (event: string, to?: string, from?: string) => (e: TraceEvent) =>
  e.event === event && (to === undefined || e.to === to) && (from === undefined || e.from === from);

export const freedObjects = (r: SimResult) => r.objects.all().filter((o) => !o.alive).map((o) => o.id);
export const aliveOf = (r: SimResult, kind: string) => r.objects.all().filter((o) => o.kind === kind && o.alive);

/** A step's effects free `obj` (a kernel free: kfree, idr_remove of a PASID, __mmdrop). */
export const frees = (obj: string) => (e: TraceEvent) => e.effects.some((x) => x.op === 'free' && x.obj === obj);

/** A step's effects allocate `obj` (kzalloc, idr_alloc, list_add_rcu of a new sdev). */
export const allocs = (obj: string) => (e: TraceEvent) => e.effects.some((x) => x.op === 'alloc' && x.obj === obj);

/** A step's effects change `field` (mm_count, mm_users, f_count, users) of some object. */
export const counts = (e: TraceEvent, field: string) => e.effects.some((x) => x.op === 'count' && x.field === field);

/** The receiver's state after the step includes `state` (a kernel step the machine passes through). */
export const enters = (to: string, state: string) => (e: TraceEvent) => e.to === to && e.state.split(/[.|]/).includes(state);

/** One kernel call of a kernel-notes row, as the notes write it, and how the trace shows it. */
export type Call = readonly [call: string, match: (e: TraceEvent) => boolean];

/** The step of each call (its first after `from`), in the row's order. */
export const callSteps = (trace: TraceEvent[], calls: readonly Call[], from = 0): number[] =>
  calls.map(([call, match]) => stepOf(trace, call, match, from));

/** The first pair of calls the trace runs in the other order than the row writes them (calls of
 * one delivery share its step and count as in order), or null when the row's order holds. */
export function outOfOrder(trace: TraceEvent[], calls: readonly Call[], from = 0): string | null {
  const steps = callSteps(trace, calls, from);
  for (let i = 1; i < steps.length; i++) {
    if (steps[i]! < steps[i - 1]!) return `${calls[i]![0]} (step ${steps[i]}) ran before ${calls[i - 1]![0]} (step ${steps[i - 1]})`;
  }
  return null;
}
