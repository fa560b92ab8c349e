// A worker thread's entry: register tsx, then import the TypeScript module named in workerData.
// This is the one way that starts a .ts worker the same from the CLI, from tsx and under vitest
// (tsx in a Worker's execArgv fails on Node 20).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(new URL(workerData.module, import.meta.url).href);
