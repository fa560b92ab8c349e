// Options shared by run, explore and replay: which kernel, which world, which transport.
import type { Command } from 'commander';
import { variantByName, type Variant } from '../kernel/variants.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { DEFAULT_MAX_STEPS } from '../runtime/run.ts';
import { TRANSPORTS } from '../runtime/transports.ts';
import { intOption, oneOf } from './errors.ts';

export interface CommonOpts {
  kernel: string;
  scenario: string;
  seed: string;
  maxSteps: string;
  transport: string;
  memo: boolean;
  json?: boolean;
}

export const addCommonOptions = (c: Command, defaultTransport: string): Command =>
  c
    .option('-k, --kernel <variant>', 'kernel variant (see `svmsim variants`)', 'fixed')
    .option('-s, --scenario <name|file>', 'built-in scenario or a JSON file (see `svmsim scenarios`)', 'exit-with-mmap')
    .option('--seed <n>', 'seed for the strategy', '0')
    .option('--max-steps <n>', 'deliveries before a run counts as hung', String(DEFAULT_MAX_STEPS))
    .option('--transport <name>', `inline (one thread) or workers (a worker thread per machine kind)`, defaultTransport)
    .option('--no-memo', 'inline: run every delivery through xstate (no transition table): the reference the table is tested against')
    .option('--json', 'print one JSON document');

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
  return {
    variant: variantByName(o.kernel),
    scenario: loadScenario(o.scenario),
    seed: intOption('--seed', o.seed),
    maxSteps: intOption('--max-steps', o.maxSteps, 1),
    transport: oneOf('transport', o.transport, TRANSPORTS),
    memo: o.memo !== false,
  };
}
