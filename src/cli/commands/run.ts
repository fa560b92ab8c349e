// `svmsim run`: one schedule of one scenario on one kernel: the timeline, every object, the verdict.
import type { Command } from 'commander';
import { simulate, type SimResult } from '../../simulate.ts';
import { makeTransport } from '../../runtime/transports.ts';
import { makeStrategy, RUN_STRATEGIES } from '../../scheduler/index.ts';
import { objectJson } from '../../trace/objects.ts';
import { objectTableText, timeline, verdictText } from '../../views/text.ts';
import { addCommonOptions, resolveCommon, type CommonOpts } from '../common.ts';
import { EXIT_OK, EXIT_VIOLATION, oneOf } from '../errors.ts';

interface RunOpts extends CommonOpts {
  strategy: string;
}

export const runJson = (r: SimResult, extra: Record<string, unknown> = {}) => ({
  ...extra,
  quiescent: r.quiescent,
  steps: r.steps,
  trace: r.trace,
  choices: r.choices,
  objects: r.objects.all().map(objectJson),
  violations: r.violations,
});

export function register(program: Command): void {
  const cmd = program.command('run').description('run one schedule and print the timeline, the objects and the verdict');
  addCommonOptions(cmd, 'inline')
    .option('--strategy <name>', `scheduling strategy: ${RUN_STRATEGIES.join(', ')}`, 'fifo')
    .action(async (o: RunOpts) => {
      const c = resolveCommon(o);
      const strategy = makeStrategy(oneOf('strategy', o.strategy, RUN_STRATEGIES));
      const transport = await makeTransport(c.transport);
      const r = await simulate({ scenario: c.scenario, variant: c.variant, strategy, transport, seed: c.seed, maxSteps: c.maxSteps });
      const head = { kernel: c.variant.name, scenario: c.scenario.name, strategy: strategy.name, seed: c.seed, transport: c.transport };
      if (o.json) console.log(JSON.stringify(runJson(r, head)));
      else {
        console.log(`svmsim run: ${c.scenario.name} on ${c.variant.name} (${strategy.name}, seed ${c.seed}, ${c.transport})\n`);
        console.log(timeline(r.trace));
        console.log(`\n${objectTableText(r.objects.all())}\n`);
        console.log(verdictText(r.violations));
      }
      process.exitCode = r.violations.length ? EXIT_VIOLATION : EXIT_OK;
    });
}
