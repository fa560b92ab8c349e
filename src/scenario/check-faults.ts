// What the schema cannot say about faults: a known kind, and a scope it accepts that names a
// device or process of the world.
import { BadInput } from '../variants/variants.ts';
import type { Scenario, ScenarioFault } from './schema.ts';
import { FAULT_KINDS, FAULT_NAMES, isFaultName, type FaultScope } from './fault-kinds.ts';

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
  checkStopSlowOverlap(s, fail);
}

/** dma-stop-slow gives each file it covers one budget: a device entry and a process entry that
 * cover the same file would each set it, the later silently winning (F8 of issue 29). */
function checkStopSlowOverlap(s: Scenario, fail: Fail): void {
  const faults = s.faults ?? [];
  const entries = faults.map((f, i) => ({ f, i })).filter(({ f }) => f.kind === 'dma-stop-slow');
  for (const { f: p, i } of entries.filter(({ f }) => f.process !== undefined)) {
    const opens = s.processes.find((x) => x.name === p.process)?.steps.flatMap((st) => (st.op === 'open' ? [st] : [])) ?? [];
    for (const { f: d, i: j } of entries.filter(({ f }) => f.device !== undefined)) {
      const file = opens.find((st) => st.device === d.device);
      if (!file) continue;
      const [a, b] = i < j ? [`faults[${i}] (process ${p.process})`, `faults[${j}] (device ${d.device})`] : [`faults[${j}] (device ${d.device})`, `faults[${i}] (process ${p.process})`];
      fail(`faults[${Math.max(i, j)}]`, `dma-stop-slow: ${a} and ${b} both cover ${p.process}'s file '${file.file}': keep one of them (each gives the file its budget)`);
    }
  }
}
