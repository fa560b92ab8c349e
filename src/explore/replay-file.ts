// Replaying a schedule file: the same world, the same choices, strictly. A choice that is not
// deliverable any more (the model or the runtime changed) is a divergence, named by its step.
// "Reproduced" means the recorded violation itself fired again: the same oracle, at the same
// step, naming the same objects and actors; not merely an oracle of the same name.
import { BadInput } from '../variants/variants.ts';
import type { Violation } from '../oracles/types.ts';
import { makeTransport, type TransportOptions } from '../engine/transports.ts';
import { Diverged, replay } from '../scheduler/replay.ts';
import { simulate, type SimResult } from '../simulate.ts';
import { readScheduleFile, type Schedule } from './schedule-file.ts';
import { buildWorld } from '../scenario/world.ts';
import { replayLasso } from '../faults/lasso.ts';

export interface Replayed {
  file: Schedule;
  result: SimResult;
  /** The recorded violation fired again (oracle, step, objects and actors); a schedule that records
   * none (a history `svmsim play` saved with no violation): none fired. */
  reproduced: boolean;
  /** Not reproduced, but its oracle fired: how that violation differs. */
  differs?: { violation: Violation; how: string[] };
  /** Deliveries after the recorded choices ran out, decided by fifo (0: the choices were enough). */
  completed: number;
}

const sameSet = (a: string[] | undefined, b: string[] | undefined) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());

/** How `got` differs from the recorded violation (empty: it is the same). */
export function violationDiff(want: Violation, got: Violation): string[] {
  const how: string[] = [];
  if (got.oracle !== want.oracle) how.push(`oracle ${got.oracle}, not ${want.oracle}`);
  if (got.step !== want.step) how.push(`at step ${got.step}, not ${want.step}`);
  if (!sameSet(want.objects, got.objects)) how.push(`objects ${(got.objects ?? []).join(', ') || 'none'}, not ${(want.objects ?? []).join(', ') || 'none'}`);
  if (!sameSet(want.actors, got.actors)) how.push(`actors ${(got.actors ?? []).join(', ') || 'none'}, not ${(want.actors ?? []).join(', ') || 'none'}`);
  return how;
}

/** Why a run ended before its recorded choices did: its step limit, or nothing left in flight. */
function endedEarly(path: string, file: Schedule, result: SimResult): BadInput {
  if (!result.quiescent && result.steps >= file.maxSteps) {
    return new BadInput(`${path} no longer reproduces: the run reached its step limit (maxSteps ${file.maxSteps} in the file) at step ${result.steps}, before the recorded choices ran out (${file.choices.length} recorded)`);
  }
  const d = new Diverged(result.choices.length, null, []);
  return new BadInput(`${path} no longer reproduces: ${d.message} (${file.choices.length} choices recorded)`);
}

export async function replayScheduleFile(path: string, transportName: string, opts: TransportOptions = {}): Promise<Replayed> {
  const file = readScheduleFile(path);
  const transport = await makeTransport(transportName, opts);
  let result: SimResult;
  try {
    result = await simulate({ scenario: file.scenario, variant: file.variant, strategy: replay(file.choices), transport, seed: file.seed, maxSteps: file.maxSteps, reorder: file.reorder });
  } catch (e) {
    if (e instanceof Diverged) throw new BadInput(`${path} no longer reproduces: ${e.message} (choice ${e.step + 1} of ${file.choices.length})`);
    throw e;
  }
  if (result.choices.length < file.choices.length) throw endedEarly(path, file, result);
  // A livelock's lasso: replay it once more and check that the cycle closes on the same state.
  const lasso = file.violation?.lasso;
  if (lasso) {
    const t = await makeTransport(transportName, opts);
    try {
      const l = await replayLasso(buildWorld(file.scenario, file.variant).specs, t, file.choices, lasso.prefix);
      if (l.violation) result.violations = [...result.violations, l.violation].sort((a, b) => a.step - b.step);
    } finally {
      await t.close();
    }
  }
  const want = file.violation;
  if (!want) return { file, result, reproduced: result.violations.length === 0, completed: result.choices.length - file.choices.length };
  const same = result.violations.filter((v) => v.oracle === want.oracle);
  const reproduced = same.some((v) => violationDiff(want, v).length === 0);
  const differs = !reproduced && same[0] ? { violation: same[0], how: violationDiff(want, same[0]) } : undefined;
  return { file, result, reproduced, ...(differs ? { differs } : {}), completed: result.choices.length - file.choices.length };
}

/** The replay's verdict on the recorded violation, in one or two lines. */
export function reproducedText(r: Replayed): string {
  const want = r.file.violation;
  const first = r.result.violations[0];
  const lines = [
    !want
      ? r.reproduced
        ? 'reproduced: the file records no violation, and none fired'
        : `NOT reproduced: the file records no violation, but [${first!.oracle}] fired at step ${first!.step}`
      : r.reproduced
      ? `reproduced: [${want.oracle}] fired again at step ${want.step}${want.objects?.length ? ` on ${want.objects.join(', ')}` : ''}`
      : r.differs
        ? `NOT reproduced: [${want.oracle}] fired, but not the recorded violation: ${r.differs.how.join('; ')} (recorded: ${want.message})`
        : `NOT reproduced: the schedule replays, but [${want.oracle}] did not fire (recorded: ${want.message})`,
  ];
  const n = r.file.choices.length;
  if (r.completed > 0) lines.push(n ? `the ${n} recorded choices ran out at step ${n}: fifo completed the run (${r.completed} more deliveries)` : `the file records no choices: fifo decided all ${r.completed} deliveries`);
  return lines.join('\n');
}
