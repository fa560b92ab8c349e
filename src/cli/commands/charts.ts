// `svmsim charts`: each machine's statechart as Stately-importable JSON, Mermaid and SVG; with
// `--coverage FILE` (from explore) the visited states and transitions are marked.
import type { Command } from 'commander';
import { readCoverage } from '../../views/coverage.ts';
import { outFolder } from '../../paths.ts';
import { expectKind } from '../kinds.ts';

export function register(program: Command): void {
  program
    .command('charts')
    .description('write each machine as JSON (Stately Studio imports it), a Mermaid stateDiagram-v2 and an SVG')
    .option('-o, --out <dir>', 'directory to write into', 'out/charts')
    .option('--coverage <file>', "explore's summary.json (explore --out DIR): mark the visited states and transitions")
    .action(async (o: { out: string; coverage?: string }) => {
      outFolder('--out', o.out);
      if (o.coverage !== undefined) expectKind(o.coverage, 'summary', '--coverage');
      const cov = o.coverage !== undefined ? readCoverage(o.coverage) : undefined;
      const { writeCharts } = await import('../../views/charts.ts');
      const rows = writeCharts(o.out, cov);
      const pct = (a: number, b: number) => `${a}/${b} (${Math.round((100 * a) / b)}%)`;
      for (const r of rows) {
        const covText = r.visitedStates === undefined ? '' : `   visited: states ${pct(r.visitedStates, r.states)}, transitions ${pct(r.visitedTransitions!, r.transitions)}`;
        console.log(`${r.kind.padEnd(13)} ${String(r.states).padStart(3)} states ${String(r.transitions).padStart(3)} transitions${covText}`);
      }
      if (cov?.unknown.length) console.log(`\n${cov.unknown.length} coverage id(s) name nothing in the machines as they are now (an older model?): ${cov.unknown.slice(0, 3).join(', ')}${cov.unknown.length > 3 ? ', …' : ''}`);
      console.log(`\nwrote ${rows.length * 3} files to ${o.out}/ (<kind>.json: paste into Stately Studio's import; <kind>.mmd: Mermaid; <kind>.svg)`);
    });
}
