// Must hold: every ablation exhausted on every built-in scenario but two-processes (its own file,
// exhaustive-two-processes.test.ts), finding only the missing fix's bug.
import { describe, it } from 'vitest';
import { ablationRows, exhaustsWithOnlyItsBug } from './exhaustive-rows.ts';

describe('must hold: every ablation, exhaustively', () => {
  it.each(ablationRows((s) => s !== 'two-processes'))('%s: dfs exhausts %s and finds only the missing fix\'s bug', exhaustsWithOnlyItsBug, 900_000);
});
