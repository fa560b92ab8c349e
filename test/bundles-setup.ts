// The suite's global setup: bundles of the entry modules, built once from the tree as it is
// (tools/bundles.ts), so that each of the suite's hundreds of CLI starts, worker threads and job
// processes loads one bundle instead of compiling every module with tsx (src/bundles.js). Set
// SVMSIM_BUNDLES=off to run the suite on tsx alone; test/cli/bundles.test.ts compares the two.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundles, ROOT } from '../tools/bundles.ts';

export default async function setup(): Promise<() => void> {
  if (process.env.SVMSIM_BUNDLES === 'off') {
    delete process.env.SVMSIM_BUNDLES;
    return () => {};
  }
  // Inside the tree, so that a bundle's imports of packages resolve to its node_modules.
  const dir = join(ROOT, 'node_modules', '.cache', 'svmsim-bundles', `${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  await buildBundles(dir);
  process.env.SVMSIM_BUNDLES = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
