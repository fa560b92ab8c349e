// `svmsim merge DIR...`: add up the shards of one exploration (each `explore --shard k/n --out DIR`)
// into one summary; with --out, save it and the smallest counterexample per oracle there.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { copyAtomic, writeJsonAtomic } from '../../files.ts';
import { mergeResults, readResult } from '../../explore/result.ts';
import { summarize, summaryText } from '../../explore/summary.ts';
import { EXIT_OK, EXIT_VIOLATION } from '../errors.ts';

export function register(program: Command): void {
  program
    .command('merge')
    .description('combine the results of explorations run as shards (`explore --shard k/n --out DIR`)')
    .argument('<dirs...>', 'directories written by `svmsim explore --out`')
    .option('--out <dir>', 'write the merged summary.json and the counterexamples here')
    .option('--json', 'print one JSON document')
    .action((dirs: string[], o: { out?: string; json?: boolean }) => {
      const merged = mergeResults(dirs.map((d) => readResult(join(d, 'summary.json'))));
      if (o.out) {
        for (const v of merged.violations) {
          if (!v.file || !existsSync(v.file)) continue;
          const to = join(o.out, basename(v.file));
          if (resolve(to) !== resolve(v.file)) copyAtomic(v.file, to);
          v.file = to;
        }
        writeJsonAtomic(join(o.out, 'summary.json'), merged);
      }
      const summary = summarize(merged);
      console.log(o.json ? JSON.stringify(summary) : summaryText(summary));
      process.exitCode = merged.violations.length ? EXIT_VIOLATION : EXIT_OK;
    });
}
