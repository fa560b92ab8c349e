// `svmsim merge DIR...`: add up the shards of one exploration (each `explore --shard k/n --out DIR`)
// into one summary; with --out, save it and the smallest counterexample per oracle there. Only
// shares of one exploration are added up (merge-check.ts), and only a folder whose counterexamples
// come from the run its summary names.
import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { copyAtomic, writeJsonAtomic } from '../../files.ts';
import { checkShares, type Input } from '../../explore/merge-check.ts';
import { mergeResults, readResult } from '../../explore/result.ts';
import { summarize, summaryText } from '../../explore/summary.ts';
import { BadInput, EXIT_OK, EXIT_VIOLATION } from '../../errors.ts';
import { outFolder } from '../../paths.ts';
import { claimFolder, newRunId } from '../../explore/run-folder.ts';

/** Each counterexample a summary lists, found beside it (the path it records is relative to the
 * folder the explore ran in), and from one of the runs the summary adds up. */
function counterexamples({ dir, result }: Input): void {
  const runs = new Set(result.parts!.map((p) => p.run));
  for (const v of result.violations) {
    if (!v.file) continue;
    const file = join(dir, basename(v.file));
    if (!existsSync(file)) {
      process.stderr.write(`svmsim: ${file} is missing: the merge keeps [${v.oracle}]'s count, without a counterexample from ${dir}\n`);
      delete v.file;
      continue;
    }
    let run: unknown;
    try {
      run = (JSON.parse(readFileSync(file, 'utf8')) as { run?: unknown }).run;
    } catch (e) {
      throw new BadInput(`${file}: not a schedule file: ${(e as Error).message}`);
    }
    if (typeof run !== 'string' || !runs.has(run)) {
      throw new BadInput(`${file} is from ${typeof run === 'string' ? `run ${run}` : 'no recorded run'}, but ${dir}/summary.json from run ${[...runs].join(', ')}: the folder mixes two runs`);
    }
    v.file = file;
  }
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('combine the results of explorations run as shards (`explore --shard k/n --out DIR`)')
    .argument('<dirs...>', 'directories written by `svmsim explore --out`')
    .option('--out <dir>', 'write the merged summary.json and the counterexamples here (a folder of its own)')
    .option('--json', 'print one JSON document')
    .action((dirs: string[], o: { out?: string; json?: boolean }) => {
      if (o.out !== undefined) outFolder('--out', o.out);
      const inputs = dirs.map((dir) => ({ dir, result: readResult(join(dir, 'summary.json')) }));
      checkShares(inputs);
      inputs.forEach(counterexamples);
      if (o.out !== undefined && dirs.some((d) => resolve(d) === resolve(o.out!))) throw new BadInput(`--out ${o.out} is one of the folders being merged: give a folder of its own`);
      const run = newRunId();
      const claim = o.out === undefined ? undefined : claimFolder('--out', o.out, run);
      try {
        const merged = { ...mergeResults(inputs.map((i) => i.result)), run };
        if (claim) {
          for (const v of merged.violations) {
            if (!v.file) continue;
            const to = join(claim.dir, basename(v.file));
            copyAtomic(v.file, to);
            v.file = to;
          }
          writeJsonAtomic(join(claim.dir, 'summary.json'), merged);
        }
        const summary = summarize(merged);
        console.log(o.json ? JSON.stringify(summary) : summaryText(summary));
        process.exitCode = merged.violations.length ? EXIT_VIOLATION : EXIT_OK;
      } finally {
        claim?.release();
      }
    });
}
