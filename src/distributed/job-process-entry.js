// The job process's entry: register tsx, then load the TypeScript (as src/explore/job-entry.js).
import { register } from 'tsx/esm/api';

register();
await import('./job-process.ts');
