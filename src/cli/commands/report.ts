// `svmsim report`: the trace viewer. A run (`svmsim run --json > run.json`) or a schedule (from
// explore) → one self-contained HTML page; `--mermaid` also writes the trace as a sequenceDiagram.
// An exploration's summary.json (`explore --out DIR`) → the exploration report.
import { parseJsonText } from '../../input.ts';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { readResult } from '../../explore/result.ts';
import { expectKind } from '../kinds.ts';
import { maybeOutFile, outFile } from '../../paths.ts';
import { BadInput } from '../../errors.ts';
import { checkWritable } from '../view-outputs.ts';

/** An exploration's summary.json: it has a format, schedules and coverage (a run has a trace). */
function isExploration(file: string): boolean {
  try {
    const raw = parseJsonText(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return !!raw && typeof raw === 'object' && !('trace' in raw) && 'schedules' in raw && 'coverage' in raw;
  } catch {
    return false; // loadRunInput names what is wrong
  }
}

export function register(program: Command): void {
  program
    .command('report')
    .description('write a run, a schedule or an exploration summary as one self-contained HTML page')
    .argument('<trace-or-schedule>', 'a run from `svmsim run --json`, a schedule file from explore, or explore\'s summary.json')
    .option('-o, --out <file>', 'the HTML file to write', 'report.html')
    .option('--mermaid <file>', 'also write the trace as a Mermaid sequenceDiagram')
    .action(async (file: string, o: { out: string; mermaid?: string }) => {
      outFile('--out', o.out);
      maybeOutFile('--mermaid', o.mermaid);
      // The runs' readers and the views (their chart renderer) load for the commands that draw.
      const [{ writeMermaidSequence }, { writeReport }, { writeExploreReport }, { loadRunInput }, { replayCounterexamples }] = await Promise.all([
        import('../../views/mermaid-sequence.ts'),
        import('../../views/report.ts'),
        import('../../views/explore-report.ts'),
        import('../../explore/run-input.ts'),
        import('../../explore/counterexamples.ts'),
      ]);
      if (isExploration(file)) {
        if (o.mermaid) throw new BadInput('--mermaid draws one trace: give a run or a schedule, not an exploration summary');
        const r = readResult(file);
        writeExploreReport(o.out, r, await replayCounterexamples(r));
        console.log(`report: ${o.out} (exploration: ${r.schedules} schedules, ${r.violations.length} violation(s)) — open it in a browser`);
        return;
      }
      expectKind(file, ['run', 'schedule'], 'report');
      const input = await loadRunInput(file);
      writeReport(o.out, input);
      console.log(`report: ${o.out} (${input.trace.length} steps, ${input.violations.length} violation(s)) — open it in a browser`);
      if (o.mermaid !== undefined) {
        writeMermaidSequence(o.mermaid, input);
        console.log(`mermaid: ${o.mermaid}`);
      }
    });
}
