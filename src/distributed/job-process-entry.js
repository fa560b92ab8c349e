// The job process's entry: register tsx, then load the TypeScript (as src/explore/job-entry.js).
// (src/bundles.js: or its prebuilt bundle.)
import { load } from '../bundles.js';

await load(new URL('./job-process.ts', import.meta.url));
