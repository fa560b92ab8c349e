// The piscina worker's entry: register tsx, then load the TypeScript job (as bin/svmsim.js and
// src/runtime/threads/entry.js do: no build step, and the same under the CLI, tsx and vitest).
import { register } from 'tsx/esm/api';

register();
const { runJob } = await import('./job.ts');
export default runJob;
