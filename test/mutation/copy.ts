// A hand-written mutant, applied to a temporary copy of the project (machines, src, scenarios,
// tools; node_modules linked), so the working tree is never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const PATCH_DIR = join(ROOT, 'test/mutation/patches');

export interface Mutant {
  name: string;
  file: string;
  /** What the patch says about itself: `# oracle: dma-freed`, `# scenario: dma-after-munmap`. */
  oracle: string;
  scenario: string;
  description: string;
}

export function mutants(): Mutant[] {
  return readdirSync(PATCH_DIR)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(PATCH_DIR, f), 'utf8');
      const field = (k: string) => new RegExp(`^# ${k}: (.+)$`, 'm').exec(text)?.[1]?.trim() ?? '';
      return { name: f.slice(0, -6), file: join(PATCH_DIR, f), oracle: field('oracle'), scenario: field('scenario'), description: text.split('\n')[0]!.slice(2) };
    });
}

/** Copy the project, apply the patch (git apply skips the `#` header; none: the model as it is),
 * run the mutant runner on the named scenario (none: every built-in); returns its exit code and
 * output. The copy is removed afterwards. */
export function runMutant(m: Mutant | null, scenario = m?.scenario): { code: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), `svmsim-${m?.name ?? 'unpatched'}-`));
  try {
    for (const d of ['machines', 'src', 'scenarios', 'test', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, d), join(dir, d), { recursive: true, filter: (s) => !s.includes('node_modules') });
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    if (m) execFileSync('git', ['apply', m.file], { cwd: dir });
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/mutation/runner.ts', ...(scenario ? ['--scenario', scenario] : [])], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
