// What the schema cannot say about faults and cross-process order: a known kind, a scope it
// accepts that names a device or process of the world, and an `after` that names a real step.
import { BadInput } from '../kernel/variants.ts';
import type { Scenario, ScenarioFault } from '../scenario/schema.ts';
import { FAULT_KINDS, FAULT_NAMES, isFaultName, type FaultScope } from './kinds.ts';

type Fail = (path: string, msg: string) => never;

/** The scope a fault entry names: device, process, or the run when it names neither. */
export const scopeOf = (f: ScenarioFault): FaultScope => (f.device !== undefined ? 'device' : f.process !== undefined ? 'process' : 'run');

export function checkFaults(s: Scenario, fail: Fail): void {
  (s.faults ?? []).forEach((f, i) => {
    const at = `faults[${i}]`;
    if (!isFaultName(f.kind)) fail(`${at}.kind`, `unknown fault '${f.kind}' (valid: ${FAULT_NAMES.join(', ')})`);
    const kind = FAULT_KINDS[f.kind as keyof typeof FAULT_KINDS];
    if (f.device !== undefined && f.process !== undefined) fail(`${at}.process`, 'a fault is scoped to a device or to a process, not both');
    const scope = scopeOf(f);
    const scopes: readonly FaultScope[] = kind.scopes;
    if (!scopes.includes(scope)) {
      const field = scope === 'run' ? (scopes[0] ?? 'device') : scope;
      fail(`${at}.${field}`, `${f.kind} is scoped by ${scopes.join(' or ')}, not by ${scope === 'run' ? 'the whole run' : scope}`);
    }
    if (f.device !== undefined && !s.devices.includes(f.device)) fail(`${at}.device`, `unknown device '${f.device}' (valid: ${s.devices.join(', ')})`);
    if (f.process !== undefined && !s.processes.some((p) => p.name === f.process)) {
      fail(`${at}.process`, `unknown process '${f.process}' (valid: ${s.processes.map((p) => p.name).join(', ')})`);
    }
    const dup = (s.faults ?? []).findIndex((g) => g.kind === f.kind && g.device === f.device && g.process === f.process);
    if (dup !== i) fail(`${at}.kind`, `${f.kind} allowed twice for the same scope (faults[${dup}])`);
  });
}

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
