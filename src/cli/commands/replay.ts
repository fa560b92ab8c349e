// `svmsim replay FILE`: run a schedule file's recorded choices again, exactly, and print the
// timeline, the objects and the verdict. Exit 1 when an oracle fires (the bug is still there).
import type { Command } from 'commander';
import { replayScheduleFile, reproducedText } from '../../explore/replay-file.ts';
import { TRANSPORTS } from '../../engine/transports.ts';
import { objectTableText, timeline, verdictText } from '../../views/text.ts';
import { EXIT_OK, EXIT_VIOLATION, oneOf } from '../../errors.ts';
import { addOutputOptions, startOutputs, type OutputOpts } from '../outputs.ts';
import { stepLimitNote } from '../common.ts';
import { expectKind } from '../kinds.ts';
import { runJson } from './run.ts';

export function register(program: Command): void {
  const cmd = program
    .command('replay')
    .description('replay a schedule file (from `svmsim explore --out`) exactly and print the timeline')
    .argument('<file>', 'a schedule file')
    .option('--transport <name>', `inline or workers`, 'inline')
    .option('--no-memo', 'inline: run every delivery through xstate (no transition table)')
    .option('--json', 'print one JSON document');
  addOutputOptions(cmd).action(async (path: string, o: { transport: string; memo: boolean; json?: boolean } & OutputOpts) => {
      const transport = oneOf('transport', o.transport, TRANSPORTS);
      const out = await startOutputs(o);
      expectKind(path, 'schedule', 'replay');
      const replayed = await replayScheduleFile(path, transport, { ...out.transport, ...(o.memo ? {} : { memo: false }) });
      const { file, result: r, reproduced, completed } = replayed;
      const recorded = file.violation;
      if (o.json) {
        const head = { file: path, kernel: file.kernel, scenario: file.scenario.name, transport, reproduced, recorded, ...(replayed.differs ? { differs: replayed.differs.how } : {}), completedByFifo: completed };
        console.log(JSON.stringify(runJson(r, head, file.maxSteps)));
      } else {
        console.log(`svmsim replay: ${path}: ${file.scenario.name} on ${file.kernel} (${file.choices.length} choices, ${transport})\n`);
        console.log(timeline(r.trace));
        console.log(`\n${objectTableText(r.objects.all())}\n`);
        console.log(verdictText(r.violations));
        const note = stepLimitNote(r, file.maxSteps, true);
        if (note) console.log(`\n${note}`);
        console.log(`\n${reproducedText(replayed)}`);
      }
      process.exitCode = r.violations.length ? EXIT_VIOLATION : EXIT_OK;
      await out.finish(r, { scenario: file.scenario.name, kernel: file.kernel, strategy: 'replay', transport });
    });
}
