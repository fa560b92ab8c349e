// Replaying a schedule file: the same world, the same choices, strictly. A choice that is not
// deliverable any more (the model or the runtime changed) is a divergence, named by its step.
import { BadInput } from '../kernel/variants.ts';
import { makeTransport, type TransportOptions } from '../runtime/transports.ts';
import { Diverged, replay } from '../scheduler/replay.ts';
import { simulate, type SimResult } from '../simulate.ts';
import { readScheduleFile, type ScheduleFile } from './schedule-file.ts';
import { buildWorld } from '../scenario/world.ts';
import { replayLasso } from '../faults/lasso.ts';

export interface Replayed {
  file: ScheduleFile;
  result: SimResult;
  /** The recorded violation's oracle fired again. */
  reproduced: boolean;
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
  if (result.choices.length < file.choices.length) {
    const d = new Diverged(result.choices.length, null, []);
    throw new BadInput(`${path} no longer reproduces: ${d.message} (${file.choices.length} choices recorded)`);
  }
  // A livelock's lasso: replay it once more and check that the cycle closes on the same state.
  const lasso = file.violation.lasso;
  if (lasso) {
    const t = await makeTransport(transportName, opts);
    try {
      const l = await replayLasso(buildWorld(file.scenario, file.variant).specs, t, file.choices, lasso.prefix);
      if (l.violation) result.violations = [...result.violations, l.violation].sort((a, b) => a.step - b.step);
    } finally {
      await t.close();
    }
  }
  return { file, result, reproduced: result.violations.some((v) => v.oracle === file.violation.oracle) };
}
