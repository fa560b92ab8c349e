// Options shared by run, explore and replay: which kernel, which world, which transport.
import type { Command } from 'commander';
import { variantByName, type Variant } from '../variants/variants.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { DEFAULT_MAX_STEPS } from '../runtime/run.ts';
import { TRANSPORTS } from '../engine/transports.ts';
import { intOption, oneOf, seedOption } from '../errors.ts';
import { withFaults } from '../faults/override.ts';
import { FAULT_NAMES } from '../scenario/fault-kinds.ts';
import { defaultMaxSteps, moreStepsHint, STEPS_PER_SCENARIO_STEP } from '../scenario/max-steps.ts';

export interface CommonOpts {
  kernel: string;
  scenario: string;
  seed: string;
  maxSteps?: string;
  transport: string;
  memo: boolean;
  json?: boolean;
  faults?: string;
}

export { defaultMaxSteps, STEPS_PER_SCENARIO_STEP } from '../scenario/max-steps.ts';

export const addCommonOptions = (c: Command, defaultTransport: string): Command =>
  c
    .option('-k, --kernel <variant>', 'kernel variant (see `svmsim variants`)', 'fixed')
    .option('-s, --scenario <name|file>', 'built-in scenario or a JSON file (see `svmsim scenarios`)', 'exit-with-mmap')
    .option('--seed <n>', 'seed for the strategy (0 to 2^32-1)', '0')
    .option('--max-steps <n>', `deliveries before a run is cut (default ${DEFAULT_MAX_STEPS}, or ${STEPS_PER_SCENARIO_STEP} per scenario step if more)`)
    .option('--transport <name>', `inline (one thread) or workers (a worker thread per machine kind)`, defaultTransport)
    .option('--no-memo', 'inline: run every delivery through xstate (no transition table): the reference the table is tested against')
    .option('--json', 'print one JSON document')
    .option('--faults <a,b|none>', `the faults allowed, replacing the scenario's: ${FAULT_NAMES.join(', ')}, or none`);

export interface Common {
  variant: Variant;
  scenario: Scenario;
  seed: number;
  maxSteps: number;
  transport: (typeof TRANSPORTS)[number];
  /** inline: the engine's transition table (src/engine/memo.ts). */
  memo: boolean;
}

export function resolveCommon(o: CommonOpts): Common {
  const scenario = withFaults(loadScenario(o.scenario), o.faults);
  return {
    variant: variantByName(o.kernel),
    scenario,
    seed: seedOption(o.seed),
    maxSteps: o.maxSteps === undefined ? defaultMaxSteps(scenario) : intOption('--max-steps', o.maxSteps, 1),
    transport: oneOf('transport', o.transport, TRANSPORTS),
    memo: o.memo !== false,
  };
}

/** A run cut by its step limit is not a kernel hang: what to tell the user (null if not cut). */
export function stepLimitNote(r: { quiescent: boolean; steps: number }, maxSteps: number, inFile = false): string | null {
  if (r.quiescent || r.steps < maxSteps) return null;
  const limit = inFile ? `maxSteps ${maxSteps}, from the file` : `--max-steps ${maxSteps}`;
  const more = inFile ? 'the exploration that wrote it needs a larger --max-steps' : moreStepsHint(maxSteps);
  return `note: the run reached its step limit (${limit}) before it quiesced. [stuck] here means that limit, not a kernel hang; a bigger world may need more: ${more}`;
}
