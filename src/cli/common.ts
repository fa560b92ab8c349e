// Options shared by run, explore and replay: which kernel, which world, which transport.
import type { Command } from 'commander';
import { variantByName, type Variant } from '../kernel/variants.ts';
import { loadScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { DEFAULT_MAX_STEPS } from '../runtime/run.ts';
import { TRANSPORTS } from '../runtime/transports.ts';
import { intOption, oneOf } from './errors.ts';
import { withFaults } from '../faults/override.ts';
import { FAULT_NAMES } from '../faults/kinds.ts';

export interface CommonOpts {
  kernel: string;
  scenario: string;
  seed: string;
  maxSteps: string;
  transport: string;
  json?: boolean;
  faults?: string;
}

export const addCommonOptions = (c: Command, defaultTransport: string): Command =>
  c
    .option('-k, --kernel <variant>', 'kernel variant (see `svmsim variants`)', 'fixed')
    .option('-s, --scenario <name|file>', 'built-in scenario or a JSON file (see `svmsim scenarios`)', 'exit-with-mmap')
    .option('--seed <n>', 'seed for the strategy', '0')
    .option('--max-steps <n>', 'deliveries before a run counts as hung', String(DEFAULT_MAX_STEPS))
    .option('--transport <name>', `inline (one thread) or workers (a worker thread per machine kind)`, defaultTransport)
    .option('--json', 'print one JSON document')
    .option('--faults <a,b|none>', `the faults allowed, replacing the scenario's: ${FAULT_NAMES.join(', ')}, or none`);

export interface Common {
  variant: Variant;
  scenario: Scenario;
  seed: number;
  maxSteps: number;
  transport: (typeof TRANSPORTS)[number];
}

export function resolveCommon(o: CommonOpts): Common {
  return {
    variant: variantByName(o.kernel),
    scenario: withFaults(loadScenario(o.scenario), o.faults),
    seed: intOption('--seed', o.seed),
    maxSteps: intOption('--max-steps', o.maxSteps, 1),
    transport: oneOf('transport', o.transport, TRANSPORTS),
  };
}
