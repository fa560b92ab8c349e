// Re-test the mutants the last Stryker report left alive (reports/mutation/mutation.json) with
// the runner as it is now, one temporary copy of the project each: after a new scenario or oracle,
// which of them it kills. `npx tsx test/mutation/retest.ts [report.json] [--only machines/X.ts]...
// [--line machines/X.ts:N]... [--shard k/n] [--record]`: `--shard` takes every n-th survivor (run n of them side by side);
// `--record` marks each one killed now as `Killed` in test/mutation/stryker-incremental.json, with
// the violation as its statusReason (as a Stryker rerun would, without rerunning the rest);
// `--no-tags` skips the `tags: ['waiting']` mutants (read only by `stuck`: the longest, surest part);
// `--done LOG` skips those an earlier, interrupted retest's output already judged.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';

interface Pos { line: number; column: number }
interface MutantRec { id: string; mutatorName: string; replacement: string; status: string; location: { start: Pos; end: Pos } }
const many = (v: string, prev: string[]) => [...prev, v];
const cli = new Command('retest')
  .argument('[report]', "Stryker's JSON report", 'reports/mutation/mutation.json')
  .option('--only <file>', 'only the survivors in this file (repeatable)', many, [])
  .option('--line <file:line>', 'only the survivors on this line (repeatable)', many, [])
  .option('--shard <k/n>', 'every n-th survivor, starting at the k-th', '1/1')
  .option('--record', 'mark each one killed now as Killed in the incremental file', false)
  .option('--no-tags', "skip the tags: ['waiting'] mutants")
  .option('--done <log>', "skip those an earlier retest's output judged (repeatable)", many, [])
  .parse();
const opts = cli.opts<{ only: string[]; line: string[]; shard: string; record: boolean; tags: boolean; done: string[] }>();
const positional = cli.args;
const only = opts.only;
/** `--line machines/X.ts:N`: only the survivors on that line. */
const lines = opts.line;
const [k, n] = opts.shard.split('/').map(Number) as [number, number];
const record = opts.record;
const noTags = !opts.tags;
const TAG = /^\[?'waiting'\]?$/;
/** `machines/X.ts:L:C Mutator` of each mutant an earlier run's log judged. */
const done = new Set(opts.done.flatMap((f) => readFileSync(f, 'utf8').split('\n').flatMap((l) => /^(?:survived|killed)\s+(\S+ \S+)/.exec(l)?.[1] ?? [])));
const INCREMENTAL = 'test/mutation/stryker-incremental.json';
const report = JSON.parse(readFileSync(positional[0] ?? 'reports/mutation/mutation.json', 'utf8')) as { files: Record<string, { source: string; mutants: MutantRec[] }> };

/** Mark one mutant killed in the incremental file at once: read, change, write in one synchronous
 * go, so that shards running side by side keep each other's kills. */
function recordKill(file: string, id: string, reason: string): void {
  const inc = JSON.parse(readFileSync(INCREMENTAL, 'utf8')) as { files: Record<string, { mutants: { id: string; status: string; statusReason?: string }[] }> };
  const m = inc.files[file]?.mutants.find((x) => x.id === id);
  if (m) Object.assign(m, { status: 'Killed', statusReason: reason });
  writeFileSync(`${INCREMENTAL}.${process.pid}.tmp`, JSON.stringify(inc, null, 2) + '\n');
  renameSync(`${INCREMENTAL}.${process.pid}.tmp`, INCREMENTAL);
}

/** Offset of a 1-based line and column in the source. */
const offset = (src: string, p: Pos) => src.split('\n').slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + p.column - 1;

let killed = 0;
let alive = 0;
let nth = 0;
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  if (only.length && !only.includes(file)) continue;
  for (const m of mutants.filter((x) => x.status === 'Survived')) {
    if (lines.length && !lines.includes(`${file}:${m.location.start.line}`)) continue;
    const [a, b] = [offset(source, m.location.start), offset(source, m.location.end)];
    if (noTags && TAG.test(source.slice(a, b))) continue;
    if (done.has(`${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName}`)) continue;
    if (nth++ % n !== k - 1) continue;
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-retest-'));
    try {
      for (const d of ['machines', 'src', 'scenarios', 'tools', 'package.json', 'tsconfig.json']) cpSync(d, join(dir, d), { recursive: true });
      symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(join(dir, file), source.slice(0, a) + m.replacement + source.slice(b));
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/mutation/runner.ts'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      const verdict = r.status === 0 ? 'survived' : 'killed';
      const first = r.stdout.split('\n')[0]!.replace(/^killed: /, '').slice(0, 140);
      if (r.status === 0) alive++;
      else {
        killed++;
        if (record) recordKill(file, m.id, `retest: ${first}`);
      }
      console.log(`${verdict.padEnd(9)}${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${JSON.stringify(source.slice(a, b)).slice(0, 50)} → ${JSON.stringify(m.replacement).slice(0, 50)}${r.status ? `  ${first}` : ''}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(`\n${killed} killed now, ${alive} still alive`);
