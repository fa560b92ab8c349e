// `svmsim diff A B`: two runs side by side (`run --json` documents or schedule files): the
// sequence diagrams aligned, the first step where they part, the objects whose fate differs.
// `--nearest`: B is the schedule nearest to A where no oracle fires (from the shrinker's moves).
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { BadInput, EXIT_OK, EXIT_VIOLATION, intOption } from '../../errors.ts';
import { checkWritable } from '../view-outputs.ts';
import type { DiffOutput } from '../../views/diff.ts';

interface DiffOpts {
  out?: string;
  nearest?: boolean;
  maxRuns: string;
  json?: boolean;
}

/** A against B, or against the nearest passing schedule when there is no B. Null: no schedule
 * near A passes (said on stderr; exit 1, an answer). */
async function compare(a: string, b: string | undefined, maxRuns: number): Promise<DiffOutput | null> {
  // The runs' reader, the search and the diff's views (the chart renderer) load for this command only.
  const [{ loadRunInput, scenarioNameOf }, { findNearest, NoNearest }, { diffPage }] = await Promise.all([
    import('../../explore/run-input.ts'),
    import('../../explore/nearest.ts'),
    import('../../views/diff.ts'),
  ]);
  const left = await loadRunInput(a);
  if (b) {
    const right = await loadRunInput(b);
    noteWorlds(scenarioNameOf(left), scenarioNameOf(right));
    return diffPage(left, right, [basename(a), basename(b)]);
  }
  try {
    const n = await findNearest(a, maxRuns);
    return diffPage(left, n.input, [basename(a), `nearest passing (${n.change})`], { change: n.change, distance: n.distance, runs: n.runs });
  } catch (e) {
    if (!(e instanceof NoNearest)) throw e;
    process.stderr.write(`svmsim: ${e.message}\n`);
    process.exitCode = EXIT_VIOLATION;
    return null;
  }
}

/** Runs of two scenarios align only by chance: said, on stderr (F17 of issue 29), the diff still
 * drawn (a scenario against its edited copy is a fair comparison). */
function noteWorlds(a: string | undefined, b: string | undefined): void {
  if (a !== undefined && b !== undefined && a !== b) process.stderr.write(`svmsim: note: A is a run of scenario ${a} and B of ${b}: different worlds, so where they part says little\n`);
}

export function register(program: Command): void {
  program
    .command('diff')
    .description('compare two runs or schedules: aligned sequence diagrams, where they part, whose fate differs')
    .argument('<a>', 'a run from `svmsim run --json`, or a schedule file')
    .argument('[b]', 'another (not with --nearest)')
    .option('-o, --out <file>', 'the HTML page to write (default diff.html; none with --json unless given)')
    .option('--nearest', 'compare A with the nearest schedule where no oracle fires (searched among the shrinker\'s candidates)')
    .option('--max-runs <n>', 'with --nearest: schedules to try at most', '400')
    .option('--json', 'print the comparison as one JSON document')
    .action(async (a: string, b: string | undefined, o: DiffOpts) => {
      if (o.nearest && b) throw new BadInput('give B or --nearest, not both');
      if (!o.nearest && !b) throw new BadInput('diff needs two files (A B), or one with --nearest');
      const maxRuns = intOption('--max-runs', o.maxRuns, 1);
      const out = o.out ?? (o.json ? undefined : 'diff.html');
      if (out) checkWritable('diff', out);
      const d = await compare(a, b, maxRuns);
      if (!d) return;
      const { writeDiff } = await import('../../views/diff.ts');
      if (out) writeDiff(out, d);
      const j = d.json;
      if (o.json) console.log(JSON.stringify(j));
      else {
        console.log(`A ${j.a.label}: ${j.a.steps} steps, ${j.a.verdict} · B ${j.b.label}: ${j.b.steps} steps, ${j.b.verdict}`);
        console.log(j.parted ? `they part at row ${j.parted.row} (A step ${j.parted.a ?? '-'}, B step ${j.parted.b ?? '-'}): ${j.parted.what}` : 'the same, step for step');
        for (const f of j.fates) console.log(`  ${f.id.padEnd(14)} A: ${f.a}\n  ${''.padEnd(14)} B: ${f.b}`);
        if (j.nearest) console.log(`nearest passing schedule: ${j.nearest.change} (${j.nearest.distance} deliveries apart, ${j.nearest.runs} runs)`);
      }
      if (out) process.stderr.write(`diff: wrote ${resolve(out)}${o.out === undefined ? ' (the default; -o FILE to choose)' : ''}\n`);
      process.exitCode = EXIT_OK;
    });
}
