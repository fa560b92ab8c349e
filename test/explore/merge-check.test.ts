// checkShares: merge adds up only shares of one exploration, each once. One row per refusal.
import { describe, expect, it } from 'vitest';
import { checkShares, type Input } from '../../src/explore/merge-check.ts';
import type { ExploreResult } from '../../src/explore/result.ts';

const share = (dir: string, shard: string, more: Partial<ExploreResult> = {}, jobs = 1): Input => {
  const run = more.run ?? `run-${dir}`;
  return {
    dir,
    result: {
      format: 2, run, parts: [{ run, shard, jobs }], kernel: 'fixed', scenario: 'exit-with-mmap', strategy: 'random', transport: 'inline', seed: 0, reorder: false, maxSteps: 2000,
      shards: [shard], jobs, schedules: 5, pruned: 0, seconds: 1, interrupted: false, endStates: [], violations: [], coverage: {},
      ...more,
    },
  };
};

describe('checkShares', () => {
  it('accepts the n shards of one split, and a merged summary with the shards it lacks', () => {
    expect(() => checkShares([share('a', '1/2'), share('b', '2/2')])).not.toThrow();
    const ab = share('ab', '1/3');
    ab.result.parts = [{ run: 'r1', shard: '1/3', jobs: 1 }, { run: 'r2', shard: '2/3', jobs: 1 }];
    expect(() => checkShares([ab, share('c', '3/3')])).not.toThrow();
  });
  it.each<[string, Input[], RegExp]>([
    ['the same shard twice', [share('a', '1/2'), share('b', '1/2')], /^cannot merge shard 1\/2 twice \(run run-a in a, run run-b in b\)/],
    ['the same run twice', [share('a', '1/2'), share('a', '1/2')], /^cannot merge run run-a twice \(a and a\)/],
    ['a shard inside a merged summary, again', [share('ab', '1/2'), share('x', '1/2', { run: 'run-ab' })], /^cannot merge run run-ab twice/],
    ['shards of different splits', [share('a', '1/2'), share('b', '2/3')], /^cannot merge shards of different splits: 1\/2 \(a\) and 2\/3 \(b\): every shard must be k\/2$/],
    ['different --jobs', [share('a', '1/2', {}, 2), share('b', '2/2')], /^cannot merge shards run with different --jobs: 2 \(a\) and 1 \(b\)/],
    ['different seeds', [share('a', '1/2'), share('b', '2/2', { seed: 3 })], /^cannot merge explorations with different seed: '0' \(a\) and '3' \(b\)$/],
    ['mixed reductions', [share('a', '1/2', { strategy: 'dfs', dfs: { reduction: 'states' } as ExploreResult['dfs'] }), share('b', '2/2', { strategy: 'dfs', dfs: { reduction: 'dpor' } as ExploreResult['dfs'] })], /^cannot merge explorations with different dfs reduction: 'states' \(a\) and 'dpor' \(b\)$/],
    ['different pct depths', [share('a', '1/2', { strategy: 'pct', depth: 2 }), share('b', '2/2', { strategy: 'pct', depth: 3 })], /different pct depth: '2' \(a\) and '3' \(b\)$/],
    ['different step limits', [share('a', '1/2'), share('b', '2/2', { maxSteps: 50 })], /different max-steps: '2000' \(a\) and '50' \(b\)$/],
    ['a summary from before run ids', [share('a', '1/2', { format: 1, run: undefined, parts: undefined }), share('b', '2/2')], /^a\/summary\.json is from an older svmsim \(format 1\)/],
  ])('refuses %s', (_what, inputs, message) => {
    // share() names its run after the folder unless told; "undefined" must stay undefined.
    for (const i of inputs) if (i.result.format === 1) delete i.result.run;
    expect(() => checkShares(inputs)).toThrow(message);
  });
});
