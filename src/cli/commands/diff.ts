// `svmsim diff A B`: two runs side by side (`run --json` documents or schedule files): the
// sequence diagrams aligned, the first step where they part, the objects whose fate differs.
// `--nearest`: B is the schedule nearest to A where no oracle fires (from the shrinker's moves).
import type { Command } from 'commander';
import { BadInput, EXIT_OK, EXIT_VIOLATION, intOption } from '../../errors.ts';
import { checkWritable } from '../view-outputs.ts';

interface DiffOpts {
  out?: string;
  nearest?: boolean;
  maxRuns: string;
  json?: boolean;
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
      // The diff's views (the report's reader and chart renderer) load for this command only.
      const { diffFiles, NoNearest, writeDiff } = await import('../../views/diff.ts');
      let d;
      try {
        d = await diffFiles(a, b, { nearest: o.nearest, maxRuns });
      } catch (e) {
        if (!(e instanceof NoNearest)) throw e;
        process.stderr.write(`svmsim: ${e.message}\n`);
        process.exitCode = EXIT_VIOLATION;
        return;
      }
      if (out) writeDiff(out, d);
      const j = d.json;
      if (o.json) console.log(JSON.stringify(j));
      else {
        console.log(`A ${j.a.label}: ${j.a.steps} steps, ${j.a.verdict} · B ${j.b.label}: ${j.b.steps} steps, ${j.b.verdict}`);
        console.log(j.parted ? `they part at row ${j.parted.row} (A step ${j.parted.a ?? '-'}, B step ${j.parted.b ?? '-'}): ${j.parted.what}` : 'the same, step for step');
        for (const f of j.fates) console.log(`  ${f.id.padEnd(14)} A: ${f.a}\n  ${''.padEnd(14)} B: ${f.b}`);
        if (j.nearest) console.log(`nearest passing schedule: ${j.nearest.change} (${j.nearest.distance} deliveries apart, ${j.nearest.runs} runs)`);
      }
      if (out) process.stderr.write(`diff: ${out}\n`);
      process.exitCode = EXIT_OK;
    });
}
