// Must hold, on the three largest spaces (exit-during-munmap, two-processes, release-during-munmap):
// `fixed` exhausted with no violation, each ablation exhausted finding only the missing fix's bug.
// `npm run test:long` runs them (vitest.long.config.ts); the suite's must-hold.test.ts and
// exhaustive.test.ts hold the same claims on every other built-in.
import { describe, it } from 'vitest';
import { LONG_ROWS, LONG_SCENARIOS, exhaustsClean, exhaustsWithOnlyItsBug } from './exhaustive-rows.ts';

describe('must hold: the largest searches, exhaustively', () => {
  it.each(LONG_SCENARIOS)('fixed: dfs exhausts %s with no violation', exhaustsClean, 900_000);
  it.each(LONG_ROWS)('%s: dfs exhausts %s and finds only the missing fix\'s bug', exhaustsWithOnlyItsBug, 900_000);
});
