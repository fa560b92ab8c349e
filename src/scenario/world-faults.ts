// Faults, compiled into the world's actor inputs. Nothing is added to a world that allows no
// fault: its actors, inputs and states stay as they were.
//  - device-timeout, device-retry: the device's own budget (dma input `fx`);
//  - page-response-lost / -dup: the IOMMU routes that device's page responses through the
//    injector (actor `faults`, machines/injector.ts), which holds the budget;
//  - dma-stop-slow: each file on the device (or of the process) gets the budget for its release;
//  - worker-crash / -hang: the injector races the fault against a pass from the start; when it
//    fires, its delivery goes to the page-request thread's actor (src/runtime/thread-faults.ts).
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario, ScenarioFault } from './schema.ts';
import { scopeOf } from './check-faults.ts';
import type { FaultName } from './fault-kinds.ts';

export const INJECTOR = 'faults';
/** The actor a worker fault hits: the page-request thread's worker. */
export const WORKER_FAULT_TARGET = 'prq';

const input = (specs: ActorSpec[], id: string) => specs.find((s) => s.id === id)!.input;

/** The file actors of a process: `A/dev` → file#1. */
const filesOf = (names: Record<string, string>, proc: string) =>
  Object.entries(names).filter(([k, v]) => k.startsWith(`${proc}/`) && v.startsWith('file#')).map(([, v]) => v);

export function applyFaults(specs: ActorSpec[], s: Scenario, names: Record<string, string>): void {
  const faults = s.faults ?? [];
  if (!faults.length) return;
  const budgets: Record<string, number> = {};
  const routed: Record<string, string[]> = {};
  const by = (k: FaultName) => faults.filter((f) => f.kind === k);
  for (const f of faults) {
    const kind = f.kind as FaultName;
    if (kind === 'device-timeout') {
      // The timer and the response are matched to the request by its PRG index.
      const dma = input(specs, names[f.device!]!);
      dma.fx = { prg: 0, ...((dma.fx as object | undefined) ?? {}), timeout: f.budget };
    } else if (kind === 'device-retry') {
      const dma = input(specs, names[f.device!]!);
      dma.fx = { ...((dma.fx as object | undefined) ?? {}), retry: f.budget };
    } else if (kind === 'page-response-lost' || kind === 'page-response-dup') {
      const dev = names[f.device!]!;
      budgets[`${kind}@${dev}`] = f.budget;
      routed[dev] = [...(routed[dev] ?? []), kind];
      // The device matches a response to its request by the PRG index.
      const dma = input(specs, dev);
      dma.fx = { prg: 0, ...((dma.fx as object | undefined) ?? {}) };
    } else if (kind === 'worker-crash' || kind === 'worker-hang') budgets[kind] = f.budget;
  }
  for (const f of by('dma-stop-slow')) for (const file of filesFor(specs, s, names, f)) input(specs, file).stopTimer = f.budget;
  if (Object.keys(routed).length) input(specs, 'iommu').inject = { to: INJECTOR, devices: routed };
  if (Object.keys(budgets).length) {
    const workers = (['worker-crash', 'worker-hang'] as const).filter((k) => budgets[k] !== undefined);
    specs.push({ id: INJECTOR, kind: 'injector', input: { id: INJECTOR, budgets, workers, target: WORKER_FAULT_TARGET } });
  }
}

/** The files a dma-stop-slow entry covers: every file on the device, or every file of the process. */
function filesFor(specs: ActorSpec[], s: Scenario, names: Record<string, string>, f: ScenarioFault): string[] {
  if (scopeOf(f) === 'process') return filesOf(names, f.process!);
  const dev = names[f.device!];
  return specs.filter((x) => x.kind === 'file' && x.input.dev === dev).map((x) => x.id);
}

/** The worker faults a scenario allows (they end a run: src/runtime/thread-faults.ts). */
export const workerFaultsOf = (s: Scenario): string[] => (s.faults ?? []).map((f) => f.kind).filter((k) => k === 'worker-crash' || k === 'worker-hang');
