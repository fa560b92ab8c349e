// Must hold: every ablation exhausted on every built-in scenario, finding only the missing fix's
// bug (the three largest: exhaustive.long.test.ts, `npm run test:long`).
import { describe, it } from 'vitest';
import { ablationRows, exhaustsWithOnlyItsBug } from './exhaustive-rows.ts';

describe('must hold: every ablation, exhaustively', () => {
  it.each(ablationRows(() => true))('%s: dfs exhausts %s and finds only the missing fix\'s bug', exhaustsWithOnlyItsBug, 900_000);
});
