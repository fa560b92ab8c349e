// `--faults a,b` / `--faults none` on run and explore: replace the faults a scenario allows. A kind
// the scenario already scopes keeps its entries; another gets every device (or the whole run).
// The scenario written to a schedule file is the overridden one, so a replay is exact.
import { BadInput } from '../variants/variants.ts';
import type { Scenario, ScenarioFault } from '../scenario/schema.ts';
import { DEFAULT_BUDGET, FAULT_KINDS, FAULT_NAMES, isFaultName, type FaultScope } from '../scenario/fault-kinds.ts';

export function withFaults(s: Scenario, option: string | undefined): Scenario {
  if (option === undefined) return s;
  const { faults: _old, ...rest } = s;
  if (option.trim() === 'none') return rest;
  const kinds = option.split(',').map((k) => k.trim());
  if (kinds.includes('none')) throw new BadInput(`--faults: 'none' removes every fault, so it cannot be combined with other faults (got '${option}')`);
  const faults: ScenarioFault[] = [];
  for (const k of kinds) {
    if (!isFaultName(k)) throw new BadInput(`--faults: unknown fault '${k}' (valid: ${FAULT_NAMES.join(', ')}, or none)`);
    const mine = (s.faults ?? []).filter((f) => f.kind === k);
    if (mine.length) faults.push(...mine);
    else if ((FAULT_KINDS[k].scopes[0] as FaultScope) === 'run') faults.push({ kind: k, budget: DEFAULT_BUDGET });
    else faults.push(...s.devices.map((device) => ({ kind: k, device, budget: DEFAULT_BUDGET })));
  }
  return { ...rest, faults };
}
