// Tests that start the CLI or worker threads take seconds on a 2-core machine under load; the
// default 5 s would fail them there. A hang still fails, after this bound.
// Two workers at least: vitest's default on 2 cores is one, which runs the suite file by file
// while the second core waits; the longest files start first (test/sequencer.ts).
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The long searches run with `npm run test:long` (vitest.long.config.ts).
    exclude: ['**/node_modules/**', 'test/**/*.long.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
  },
});
