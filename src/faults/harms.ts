// What the faults of one run account for. A fault breaks a contract the driver relies on, and the
// kernel's answer to it is known (FAULT_KINDS' harms): a violation in a run where no fault fired,
// or one that none of the fired faults can cause, is a bug of the model itself; and no kind may
// fire more often than the world's budget allows (the injector's own contract).
import type { ActorSpec, TraceEvent } from '../runtime/types.ts';
import type { Violation } from '../oracles/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { FAULT_KINDS, isFaultName, type Harm } from '../scenario/fault-kinds.ts';
import { requestWithoutPasid, roguePasid, supervisorBind } from './scenarios.ts';

/** A device that DMAs with a PASID nobody bound to it (a `dma` step's `pasid`): its page request
 * gets Response Failure, which disables PRI for the device and fails another PASID's DMA. */
const ROGUE_DMA_HARMS: readonly Harm[] = [{ oracle: 'isolation' }];
/** A page request without PASID: 4.4's prq_event_thread oopses in bad_req (svm == NULL, a BUG),
 * and the request it dies on is never answered, so the device and a release waiting for it hang. */
const NO_PASID_HARMS: readonly Harm[] = [{ oracle: 'invariant' }, { oracle: 'stuck' }];
/** A supervisor svm's unbind: 4.4's mmu_notifier_unregister on a NULL mm (an oops holding
 * pasid_mutex), and until 4fa064b26c2e (v4.19) a PASID entry left present for the freed PASID. */
const SUPERVISOR_HARMS: readonly Harm[] = [{ oracle: 'invariant' }, { oracle: 'stuck' }, { oracle: 'dangling' }];

/** The faults that fired in a run, by kind. */
export function firedFaults(trace: readonly TraceEvent[]): Map<string, number> {
  const fired = new Map<string, number>();
  for (const ev of trace) for (const fx of ev.effects) if (fx.op === 'fault') fired.set(fx.kind, (fired.get(fx.kind) ?? 0) + 1);
  return fired;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

/** How many of each kind may fire in a run of the world: the budgets its actors were given
 * (src/scenario/world-faults.ts: the devices' `fx`, the files' `stopTimer`, the injector's `budgets`). */
export function faultBudgets(specs: readonly ActorSpec[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (kind: string, n: number) => n > 0 && (out[kind] = (out[kind] ?? 0) + n);
  for (const s of specs) {
    const fx = (s.input.fx ?? {}) as Record<string, unknown>;
    add('device-timeout', num(fx.timeout));
    add('device-retry', num(fx.retry));
    add('dma-stop-slow', num(s.input.stopTimer));
    for (const [key, n] of Object.entries((s.kind === 'injector' ? s.input.budgets : {}) as Record<string, number>)) add(key.split('@')[0]!, n);
  }
  return out;
}

/** The violations of a run of `scenario` that none of the fired faults' harms explains (nor the
 * scenario's own rogue DMA). */
export function unexplained(scenario: Scenario, violations: readonly Violation[], fired: ReadonlyMap<string, number>): Violation[] {
  const harms: readonly Harm[] = [...(roguePasid(scenario) ? ROGUE_DMA_HARMS : []), ...(requestWithoutPasid(scenario) ? NO_PASID_HARMS : []), ...(supervisorBind(scenario) ? SUPERVISOR_HARMS : []), ...[...fired.keys()].flatMap((k): readonly Harm[] => (isFaultName(k) ? FAULT_KINDS[k].harms : []))];
  return violations.filter((v) => !harms.some((h) => h.oracle === v.oracle && (h.by === undefined || v.actors?.[0] === h.by)));
}

/** Faults that fired in a race already decided. A fault is a race of outcomes that one step sends
 * to one actor, each on a lane of its own (`pass` first, then `timer` or `fault.<kind>`): the first
 * delivered decides, so a fault may fire only in the delivery of the first of its race. */
export function lostRaces(trace: readonly TraceEvent[]): string[] {
  const decided = new Set<string>();
  const out: string[] = [];
  for (const ev of trace) {
    if (ev.args.lane === undefined) continue;
    const race = `${ev.cause}|${ev.from}|${ev.to}`;
    const fault = ev.effects.find((fx) => fx.op === 'fault');
    if (fault && decided.has(race)) out.push(`${fault.kind} fired at step ${ev.step} (${ev.event} to ${ev.to}) in a race another outcome had decided`);
    decided.add(race);
  }
  return out;
}

/** Each kind that fired more often than its budget, with the counts. */
export function overBudget(fired: ReadonlyMap<string, number>, budgets: Readonly<Record<string, number>>): string[] {
  return [...fired].filter(([k, n]) => n > (budgets[k] ?? 0)).map(([k, n]) => `${k} fired ${n} times, budget ${budgets[k] ?? 0}`);
}
