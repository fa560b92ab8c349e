// `svmsim report`: the trace viewer. A run (`svmsim run --json > run.json`) or a schedule (from
// explore) → one self-contained HTML page; `--mermaid` also writes the trace as a sequenceDiagram.
import type { Command } from 'commander';
import { writeMermaidSequence } from '../../views/mermaid-sequence.ts';
import { loadReportInput, writeReport } from '../../views/report.ts';
import { expectKind } from '../kinds.ts';
import { maybeOutFile, outFile } from '../paths.ts';

export function register(program: Command): void {
  program
    .command('report')
    .description('write a run or a schedule as one self-contained HTML page: sequence diagram, time travel, statecharts')
    .argument('<trace-or-schedule>', 'a run from `svmsim run --json`, or a schedule file from explore')
    .option('-o, --out <file>', 'the HTML file to write', 'report.html')
    .option('--mermaid <file>', 'also write the trace as a Mermaid sequenceDiagram')
    .action(async (file: string, o: { out: string; mermaid?: string }) => {
      outFile('--out', o.out);
      maybeOutFile('--mermaid', o.mermaid);
      expectKind(file, ['run', 'schedule'], 'report');
      const input = await loadReportInput(file);
      writeReport(o.out, input);
      console.log(`report: ${o.out} (${input.trace.length} steps, ${input.violations.length} violation(s)) — open it in a browser`);
      if (o.mermaid !== undefined) {
        writeMermaidSequence(o.mermaid, input);
        console.log(`mermaid: ${o.mermaid}`);
      }
    });
}
