// `svmsim replay FILE`: run a schedule file's recorded choices again, exactly, and print the
// timeline, the objects and the verdict. Exit 1 when an oracle fires (the bug is still there).
import type { Command } from 'commander';
import { replayScheduleFile } from '../../explore/replay-file.ts';
import { TRANSPORTS } from '../../runtime/transports.ts';
import { objectTableText, timeline, verdictText } from '../../views/text.ts';
import { EXIT_OK, EXIT_VIOLATION, oneOf } from '../errors.ts';
import { runJson } from './run.ts';

export function register(program: Command): void {
  program
    .command('replay')
    .description('replay a schedule file (from `svmsim explore --out`) exactly and print the timeline')
    .argument('<file>', 'a schedule file')
    .option('--transport <name>', `inline or workers`, 'inline')
    .option('--json', 'print one JSON document')
    .action(async (path: string, o: { transport: string; json?: boolean }) => {
      const transport = oneOf('transport', o.transport, TRANSPORTS);
      const { file, result: r, reproduced } = await replayScheduleFile(path, transport);
      const recorded = file.violation;
      if (o.json) {
        const head = { file: path, kernel: file.kernel, scenario: file.scenario.name, transport, reproduced, recorded };
        console.log(JSON.stringify(runJson(r, head)));
      } else {
        console.log(`svmsim replay: ${path}: ${file.scenario.name} on ${file.kernel} (${file.choices.length} choices, ${transport})\n`);
        console.log(timeline(r.trace));
        console.log(`\n${objectTableText(r.objects.all())}\n`);
        console.log(verdictText(r.violations));
        console.log(
          reproduced
            ? `\nreproduced: [${recorded.oracle}] fired again`
            : `\nNOT reproduced: the schedule replays, but [${recorded.oracle}] did not fire (recorded: ${recorded.message})`,
        );
      }
      process.exitCode = r.violations.length ? EXIT_VIOLATION : EXIT_OK;
    });
}
