// Tests that start the CLI or worker threads take seconds on a 2-core machine under load; the
// default 5 s would fail them there. A hang still fails, after this bound.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
