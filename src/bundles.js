// An entry's module, loaded from a prebuilt bundle when there is one, else as TypeScript through
// tsx. Bundles exist only where SVMSIM_BUNDLES names a directory that tools/bundles.ts wrote (the
// test suite's global setup does, test/bundles-setup.ts): there a start loads one file instead of
// compiling every module, and a worker thread starts in a tenth of the time. The manifest lists
// the source files by absolute path, so a bundle never stands in for other sources (a mutant's
// copy of the tree is not listed), and a user's run, with no SVMSIM_BUNDLES, reads the sources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let read = { dir: undefined, manifest: undefined };

/** The bundle built from the module at `url`, if SVMSIM_BUNDLES has one. */
export function bundleOf(url) {
  const dir = process.env.SVMSIM_BUNDLES;
  if (!dir) return undefined;
  if (read.dir !== dir) read = { dir, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) };
  const file = read.manifest[fileURLToPath(url)];
  return file === undefined ? undefined : pathToFileURL(join(dir, file)).href;
}

/** Import the module at `url` (a URL): its bundle, or the TypeScript with tsx registered. */
export async function load(url) {
  const bundle = bundleOf(url);
  // Stacks name the sources' files and lines, as they do under tsx.
  if (bundle) return process.setSourceMapsEnabled(true), import(bundle);
  const { register } = await import('tsx/esm/api');
  register();
  return import(url.href);
}
