// Bundles of svmsim's entry modules for the test suite (src/bundles.js loads them where
// SVMSIM_BUNDLES points): each is the entry and every module of this tree it imports, compiled
// by esbuild as tsx would compile them one by one; packages stay imports of node_modules. Each
// module's `import.meta.url` is its source file's URL, so paths it computes from it (scenarios/,
// a worker's entry.js, package.json) are what they are when the sources run as they are.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The modules that start a process or a thread: the CLI, a kind's thread, a piscina job (explore's, fuzz's), a campaign's job process. */
export const ENTRIES = ['src/cli/main.ts', 'src/runtime/threads/kind-thread.ts', 'src/explore/job.ts', 'src/fuzz/judge-job.ts', 'src/distributed/job-process.ts'];

/** Each source module's import.meta.url, as its own file's URL. */
const sourceUrls: Plugin = {
  name: 'source-urls',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]s$/ }, (a) => {
      if (a.path.includes(`${join('/', 'node_modules', '/')}`)) return undefined;
      const url = JSON.stringify(pathToFileURL(a.path).href);
      const contents = readFileSync(a.path, 'utf8').replaceAll('import.meta.url', url);
      return { contents, loader: a.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/** Build every entry's bundle into `out`, with a manifest from source path to bundle file. */
export async function buildBundles(out: string): Promise<Record<string, string>> {
  mkdirSync(out, { recursive: true });
  const name = (entry: string) => entry.replaceAll('/', '_').replace(/\.ts$/, '');
  // Split: what a module imports lazily (a command, a view) is a chunk of its own, loaded with
  // the packages it imports only when it is imported, as it is from the sources.
  await build({
    entryPoints: ENTRIES.map((e) => ({ in: join(ROOT, e), out: name(e) })),
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    plugins: [sourceUrls],
    sourcemap: 'linked',
    logLevel: 'error',
  });
  const manifest = Object.fromEntries(ENTRIES.map((e) => [join(ROOT, e), `${name(e)}.mjs`]));
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
