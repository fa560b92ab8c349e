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
}
