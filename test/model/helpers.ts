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
