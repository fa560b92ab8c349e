// Must hold, on the largest built-in: two-processes exhausted on each ablation, finding only the
// missing fix's bug (without the pin: exhaustive.long.test.ts); see exhaustive.test.ts for the rest.
import { describe, it } from 'vitest';
import { ablationRows, exhaustsWithOnlyItsBug } from './exhaustive-rows.ts';

describe('must hold: every ablation, exhaustively, on two-processes', () => {
  it.each(ablationRows((s) => s === 'two-processes'))('%s: dfs exhausts %s and finds only the missing fix\'s bug', exhaustsWithOnlyItsBug, 900_000);
});
