// Must hold, on the two largest spaces: exit-during-munmap and two-processes exhausted without the
// fault pin, finding only the missing fix's bug. `npm run test:long` runs them (vitest.long.config.ts);
// the rest of the rows are in exhaustive.test.ts and exhaustive-two-processes.test.ts.
import { describe, it } from 'vitest';
import { LONG_ROWS, exhaustsWithOnlyItsBug } from './exhaustive-rows.ts';

describe('must hold: the largest ablation searches, exhaustively', () => {
  it.each(LONG_ROWS)('%s: dfs exhausts %s and finds only the missing fix\'s bug', exhaustsWithOnlyItsBug, 900_000);
});
