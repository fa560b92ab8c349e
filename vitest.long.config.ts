// The long tests (test/**/*.long.test.ts): the exhaustive searches too large for the suite's time
// on two cores (`npm run test:long`); one worker per file, as the suite runs them.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.long.test.ts'],
    testTimeout: 900_000,
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
