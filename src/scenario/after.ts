// Cross-process order (`after`): a step that waits until a step of another process has run. Not a
// fault: the scenario's own order, checked (a real step of another process) and compiled into the
// waiting and the awaited process's step inputs (a `notify` on the awaited step).
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario } from './schema.ts';

type Fail = (path: string, msg: string) => never;

const input = (specs: ActorSpec[], id: string) => specs.find((s) => s.id === id)!.input;

/** The step index `ref` ("A.exit", "A.2") names in process `proc`, or a one-line reason it names none. */
export function resolveAfter(s: Scenario, ref: string): { proc: number; step: number } | string {
  const dot = ref.lastIndexOf('.');
  const pname = ref.slice(0, dot);
  const what = ref.slice(dot + 1);
  const proc = s.processes.findIndex((p) => p.name === pname);
  if (proc < 0) return `unknown process '${pname}' (valid: ${s.processes.map((p) => p.name).join(', ')})`;
  const steps = s.processes[proc]!.steps;
  if (/^\d+$/.test(what)) {
    const n = Number(what);
    return n < steps.length ? { proc, step: n } : `process '${pname}' has no step ${n} (it has ${steps.length})`;
  }
  const hits = steps.flatMap((st, i) => (st.op === what ? [i] : []));
  if (hits.length === 1) return { proc, step: hits[0]! };
  if (!hits.length) return `process '${pname}' has no '${what}' step`;
  return `process '${pname}' has ${hits.length} '${what}' steps: name one by its index (${hits.map((h) => `${pname}.${h}`).join(', ')})`;
}

export function checkAfter(s: Scenario, fail: Fail): void {
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.after === undefined) return;
      const at = `processes[${pi}].steps[${si}].after`;
      const r = resolveAfter(s, st.after);
      if (typeof r === 'string') fail(at, r);
      if (r.proc === pi) fail(at, `'${st.after}' is a step of this same process (its steps already run in order)`);
    }),
  );
}

/** `after` → the waiting step names the process and step it waits for; that step notifies it. */
export function applyAfter(specs: ActorSpec[], s: Scenario): void {
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.after === undefined) return;
      const r = resolveAfter(s, st.after);
      if (typeof r === 'string') throw new Error(r);
      const waiter = `process#${pi + 1}`;
      const awaited = `process#${r.proc + 1}`;
      const key = `${awaited}:${r.step}`;
      const wsteps = input(specs, waiter).steps as Record<string, unknown>[];
      wsteps[si] = { ...wsteps[si], after: key };
      const asteps = input(specs, awaited).steps as Record<string, unknown>[];
      const a = asteps[r.step]!;
      asteps[r.step] = { ...a, notify: [...((a.notify as string[] | undefined) ?? []), waiter] };
    }),
  );
}
