// src/bundles.js: an entry loads the bundle its manifest lists for the module's source path, and
// the TypeScript itself for a module the manifest does not list (another tree's copy) or with no
// SVMSIM_BUNDLES. The suite's bundles (test/bundles-setup.ts) give the CLI's output byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleOf } from '../src/bundles.js';
import { BIN } from './cli/cli.ts';

const suite = process.env.SVMSIM_BUNDLES;
afterEach(() => {
  process.env.SVMSIM_BUNDLES = suite;
  if (suite === undefined) delete process.env.SVMSIM_BUNDLES;
});

describe('bundles', () => {
  it('a module listed in the manifest by its absolute path maps to its bundle; another path, or no SVMSIM_BUNDLES, to none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-bundles-'));
    const source = join(dir, 'src', 'x.ts');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ [source]: 'x.mjs' }));
    process.env.SVMSIM_BUNDLES = dir;
    expect(bundleOf(pathToFileURL(source))).toBe(pathToFileURL(join(dir, 'x.mjs')).href);
    expect(bundleOf(pathToFileURL(join(dir, 'copy', 'src', 'x.ts')))).toBeUndefined();
    delete process.env.SVMSIM_BUNDLES;
    expect(bundleOf(pathToFileURL(source))).toBeUndefined();
  });

  it.skipIf(suite === undefined)('the suite bundles the CLI, and a run through the bundles prints what the sources print: a workers run, a --jobs 2 search and a bad variant (exit 2)', () => {
    expect(bundleOf(new URL('../src/cli/main.ts', import.meta.url))).toBeDefined();
    const runs = [
      ['run', '--kernel', 'pre-fix', '--transport', 'workers'],
      ['explore', '--kernel', 'fixed', '--scenario', 'munmap-close-alive', '--strategy', 'dfs', '--jobs', '2'],
      ['run', '--kernel', 'nope'],
    ];
    for (const args of runs) {
      const go = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 120_000 });
      const bundled = go(process.env);
      const { SVMSIM_BUNDLES: _, ...rest } = process.env;
      const sources = go(rest);
      // The same but for how long the run took.
      const text = (r: typeof bundled) => [r.status, r.stdout.replace(/ in [\d.]+ s \([\d,]+\/s\)/g, ' in (time)'), r.stderr];
      expect(text(bundled)).toEqual(text(sources));
      expect(bundled.status).not.toBeNull();
    }
  }, 240_000);
});
