// The piscina worker's entry: register tsx, then load the TypeScript job (as bin/svmsim.js and
// src/runtime/threads/entry.js do: no build step, and the same under the CLI, tsx and vitest).
// (src/bundles.js: or its prebuilt bundle.)
import { load } from '../bundles.js';

const { runJob, runCell } = await load(new URL('./job.ts', import.meta.url));
export default runJob;
export { runCell };
