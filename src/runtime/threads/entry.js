// A worker thread's entry: register tsx, then import the TypeScript module named in workerData.
// This is the one way that starts a .ts worker the same from the CLI, from tsx and under vitest
// (tsx in a Worker's execArgv fails on Node 20). (src/bundles.js: or its prebuilt bundle.)
import { workerData } from 'node:worker_threads';
import { load } from '../../bundles.js';

await load(new URL(workerData.module, import.meta.url));
