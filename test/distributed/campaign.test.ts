// A campaign on BullMQ and a real redis-server gives the document `explore` gives: seed ranges
// for random and pct, subtrees for dfs against one shared visited set (schedules counted exactly,
// each state expanded by one job), and a subtree split again when it turns out large.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { summarize } from '../../src/explore/summary.ts';
import { mergeResults, type ExploreResult } from '../../src/explore/result.ts';
import type { ScheduleFile } from '../../src/explore/schedule-file.ts';
import { counterexamples, offerCounterexample } from '../../src/distributed/results.ts';
import { keys } from '../../src/distributed/campaign.ts';
import { RedisVisited, SHARDS } from '../../src/distributed/visited-redis.ts';
import { connectRedis } from '../../src/distributed/connection.ts';
import { campaign, inProcess, options, withWorkers } from './harness.ts';
import { startRedis, type TestRedis } from '../../tools/redis-server.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('the shared visited set', () => {
  it('a job that starts late reads every claim made before it (more than one read of the log), so it expands none of them again', async () => {
    const r = await connectRedis(redis.url);
    try {
      const k = keys('late');
      // Batches of 16 claims and reads of 50 log entries (the defaults are 512 and 1,000): 150
      // batches are three reads' worth.
      const sizes = { batch: 16, read: 50 };
      const early = new RedisVisited(r, k, 'early', undefined, sizes);
      await early.start();
      const n = 150 * 16;
      for (let i = 1; i <= n; i++) early.claimKey(BigInt(i) * 0x9e3779b97f4a7c15n & 0x7fffffffffffffffn);
      await early.finish();
      const late = new RedisVisited(r, k, 'late', undefined, sizes);
      await late.start();
      await late.finish();
      let fresh = 0;
      for (let i = 1; i <= n; i += 7) if (late.claimKey(BigInt(i) * 0x9e3779b97f4a7c15n & 0x7fffffffffffffffn).fresh) fresh++;
      expect(fresh).toBe(0);
      expect(late.claimKey(0x1234567n).fresh).toBe(true);
      await late.finish();
    } finally {
      r.disconnect();
    }
  }, 120_000);
});

describe('explore as a campaign of jobs', () => {
  it('random in seed ranges over 2 workers: the same schedules, end states, coverage and first hits as one process', async () => {
    const o = options('exit-with-mmap', 'pre-fix', 'random', { seed: 7 });
    const { result } = await withWorkers(redis.url, 2, (r) => campaign(r, { options: o, schedules: 60, chunk: 8 }));
    const local = await explore({ ...inProcess(o), schedules: 60 });
    expect(result.schedules).toBe(60);
    expect(result.jobs).toBe(8); // ceil(60 / 8) ranges
    expect(result.seed).toBe(7);
    expect(result.endStates).toEqual(local.endStates);
    expect(result.coverage).toEqual(local.coverage);
    expect(result.violations.map((v) => [v.oracle, v.count, v.schedule, v.seed])).toEqual(local.violations.map((v) => [v.oracle, v.count, v.schedule, v.seed]));
    // The document `explore --json` prints.
    expect(Object.keys(summarize(result)).sort()).toEqual(Object.keys(summarize(local)).sort());
  }, 120_000);

  it('pct in seed ranges: the same first hits as one process (counterexample kept, one per oracle)', async () => {
    const o = options('exit-with-mmap', 'pre-fix', 'pct', { depth: 3 });
    const out = await withWorkers(redis.url, 1, (r) => campaign(r, { options: o, schedules: 30, chunk: 10 }));
    const local = await explore({ ...inProcess(o), schedules: 30 });
    expect(out.result.violations.map((v) => [v.oracle, v.count, v.schedule])).toEqual(local.violations.map((v) => [v.oracle, v.count, v.schedule]));
    expect(out.counterexamples.map((f) => f.violation.oracle).sort()).toEqual(local.violations.map((v) => v.oracle).sort());
    const leak = out.counterexamples.find((f) => f.violation.oracle === 'leak')!;
    expect(out.result.violations.find((v) => v.oracle === 'leak')!.deliveries).toBe(leak.deliveries);
  }, 120_000);

  it('dfs over 2 workers, one visited set: exhausted, each state expanded by one job, the schedules counted exactly', async () => {
    const o = options('munmap-close-alive', 'fixed', 'dfs');
    const local = (await explore(inProcess(o))).dfs!.states!;
    const { result, spec } = await withWorkers(redis.url, 2, (r) => campaign(r, { options: o, parts: 4 }));
    const st = result.dfs!.states!;
    expect(result.dfs!.exhausted).toBe(true);
    expect(st.paths).toBe(local.paths);
    // Every state of the cached part is owned by one job: the fingerprint shards hold each once.
    const owned = await withWorkers(redis.url, 0, async (r) => {
      const lens = await Promise.all(Array.from({ length: SHARDS }, (_, i) => r.hlen(keys(spec.id).shard(i))));
      return lens.reduce((a, b) => a + b, 0);
    });
    expect(st.states - (st.top ?? 0)).toBe(owned);
    expect(owned).toBeLessThanOrEqual(local.states);
  }, 120_000);

  it('a dfs subtree that turns out large is handed on in two halves, and the count stays exact', async () => {
    const o = options('graphics', 'pre-fix', 'dfs');
    const local = await explore(inProcess(o));
    const { result } = await withWorkers(redis.url, 2, (r) => campaign(r, { options: o, parts: 2, splitAfter: 150 }));
    expect(result.jobs).toBeGreaterThan(2);
    expect(result.dfs!.exhausted).toBe(true);
    // ~1.9e20 schedules: summed in another order, equal to within float rounding.
    expect(Math.abs(result.dfs!.states!.paths / local.dfs!.states!.paths! - 1)).toBeLessThan(1e-12);
    expect(result.endStates).toEqual(local.endStates);
    expect(result.violations.map((v) => v.oracle)).toEqual(local.violations.map((v) => v.oracle));
  }, 180_000);
});

describe('the smallest counterexample per oracle', () => {
  // The sizes of fault-stop-slow's use-after-free on fixed (dfs): as found, and once shrunk.
  const file = (deliveries: number, preemptions: number, shrunk: boolean) => ({ violation: { oracle: 'use-after-free', message: 'm', step: 1 }, deliveries, preemptions, shrunk }) as unknown as ScheduleFile;
  const kept = async (id: string, ...offers: ScheduleFile[]) => {
    const r = await connectRedis(redis.url);
    try {
      for (const f of offers) await offerCounterexample(r, id, f);
      return (await counterexamples(r, id)).map((f) => [f.deliveries, f.preemptions, f.shrunk]);
    } finally {
      r.disconnect();
    }
  };

  it('keeps the shrunk one, whichever comes first, and orders as the shrinker does: preemptions, then deliveries (F3)', async () => {
    expect(await kept('f3-raw-first', file(76, 26, false), file(85, 9, true))).toEqual([[85, 9, true]]);
    expect(await kept('f3-shrunk-first', file(85, 9, true), file(76, 26, false))).toEqual([[85, 9, true]]);
    expect(await kept('f3-unshrunk', file(70, 5, false), file(80, 3, false), file(60, 4, false))).toEqual([[80, 3, false]]);
    // merge (shards, --jobs) keeps the same one.
    const part = (deliveries: number, preemptions: number, shrunk: boolean, f: string) =>
      ({ ...local0, violations: [{ oracle: 'use-after-free', count: 1, schedule: 0, seed: 0, violation: { oracle: 'use-after-free', message: 'm', step: 1 }, file: f, deliveries, preemptions, ...(shrunk ? { original: { deliveries: 1, preemptions: 1 } } : {}) }] }) as ExploreResult;
    expect(mergeResults([part(76, 26, false, 'raw'), part(85, 9, true, 'shrunk')]).violations[0]!.file).toBe('shrunk');
  });
});

const local0: Omit<ExploreResult, 'violations'> = { format: 2, kernel: 'fixed', scenario: 's', strategy: 'dfs', transport: 'inline', seed: 0, reorder: false, maxSteps: 1, shards: ['1/1'], jobs: 1, schedules: 1, pruned: 0, seconds: 0, interrupted: false, endStates: [], coverage: {} };
