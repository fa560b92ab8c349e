// The test tree mirrors the source tree: every folder of test/ is a folder of src/ (or machines/),
// or one of the few that test across layers, each with its reason; and every CLI test is in
// test/cli/ (a test that starts bin/svmsim.js lives there, whatever command it runs).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs = (path: string) => readdirSync(join(ROOT, path)).filter((n) => statSync(join(ROOT, path, n)).isDirectory());

/** Test folders with no src/ folder of their name, and what they test. */
const ACROSS: Record<string, string> = {
  machines: 'machines/, one machine at a time',
  model: "the whole model against kernel-notes.md's tables",
  cli: 'bin/svmsim.js, every command, as a user runs it',
  docs: 'README.md and docs/ against the CLI',
  architecture: 'the layer rule and this layout',
  mutation: 'StrykerJS over machines/: runner, triage, retest, survivors',
};

describe('the test tree', () => {
  it('has a folder for a src/ folder, or one that tests across layers', () => {
    const src = new Set(dirs('src'));
    expect(dirs('test').filter((d) => !src.has(d) && !(d in ACROSS))).toEqual([]);
  });

  it('keeps every test that starts the CLI in test/cli/', () => {
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir)).flatMap((n) => (statSync(join(ROOT, dir, n)).isDirectory() ? walk(join(dir, n)) : n.endsWith('.test.ts') ? [join(dir, n)] : []));
    const startsCli = (f: string) => /bin\/svmsim\.js/.test(readFileSync(join(ROOT, f), 'utf8'));
    // test/docs checks the docs against the CLI's --help; this file names the path to look for it.
    const outside = walk('test').filter((f) => !/^test\/(cli|docs|architecture)\//.test(f) && startsCli(f));
    expect(outside).toEqual([]);
  });
});
