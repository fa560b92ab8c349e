// Re-test the mutants the last Stryker report left alive (reports/mutation/mutation.json) with
// the runner as it is now, one temporary copy of the project each: after a new scenario or oracle,
// which of them it kills. `npx tsx tools/mutants-retest.ts [report.json]`. Stryker's own
// incremental file is refreshed by the next `npm run mutants -- --force`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Pos { line: number; column: number }
interface MutantRec { id: string; mutatorName: string; replacement: string; status: string; location: { start: Pos; end: Pos } }
const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/mutation/mutation.json', 'utf8')) as { files: Record<string, { source: string; mutants: MutantRec[] }> };

/** Offset of a 1-based line and column in the source. */
const offset = (src: string, p: Pos) => src.split('\n').slice(0, p.line - 1).reduce((n, l) => n + l.length + 1, 0) + p.column - 1;

let killed = 0;
let alive = 0;
for (const [file, { source, mutants }] of Object.entries(report.files)) {
  for (const m of mutants.filter((x) => x.status === 'Survived')) {
    const [a, b] = [offset(source, m.location.start), offset(source, m.location.end)];
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-retest-'));
    try {
      for (const d of ['machines', 'src', 'scenarios', 'tools', 'package.json', 'tsconfig.json']) cpSync(d, join(dir, d), { recursive: true });
      symlinkSync(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(join(dir, file), source.slice(0, a) + m.replacement + source.slice(b));
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'tools/mutant-run.ts'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      const verdict = r.status === 0 ? 'survived' : 'killed';
      if (r.status === 0) alive++;
      else killed++;
      const first = r.stdout.split('\n')[0]!.replace(/^killed: /, '').slice(0, 140);
      console.log(`${verdict.padEnd(9)}${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} ${JSON.stringify(source.slice(a, b)).slice(0, 50)} → ${JSON.stringify(m.replacement).slice(0, 50)}${r.status ? `  ${first}` : ''}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(`\n${killed} killed now, ${alive} still alive`);
