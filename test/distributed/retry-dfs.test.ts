// F23: a dfs campaign job whose process is SIGKILLed mid-run. Other jobs cut where the dead try
// had claimed a state; its retry must expand every such state again, so the campaign's graph is
// the in-process search's: the same states, transitions and schedules, and `exhausted` still true.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import type { ExploreResult } from '../../src/explore/result.ts';
import { campaign, inProcess, options, withWorkers } from './harness.ts';
import { startRedis, type TestRedis } from './redis-server.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  delete process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS;
  await redis.stop();
});

describe('a dfs job killed mid-run', () => {
  it('its retry re-expands what the dead try claimed: the same graph as undisturbed, the schedules of the in-process search, exhausted', async () => {
    const o = options('exit-with-mmap', 'fixed', 'dfs');
    const local = (await explore(inProcess(o))).dfs!.states!;
    const counts = (r: ExploreResult) => ({ states: r.dfs!.states!.states, transitions: r.dfs!.states!.transitions, exhausted: r.dfs!.exhausted });
    const calm = await withWorkers(redis.url, 2, (r) => campaign(r, { options: o, parts: 4 }));
    // Job 1 of 4 dies once it has published 1,500 claims (its subtree holds several thousand).
    process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS = '.d1of4:1500';
    const killed = await withWorkers(redis.url, 2, (r) => campaign(r, { options: o, parts: 4 }));
    delete process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS;
    expect(killed.failed).toEqual([]);
    console.log('DBG', JSON.stringify([calm.result.dfs!.states, killed.result.dfs!.states, calm.result.jobs, killed.result.jobs]));
    expect(counts(killed.result)).toEqual(counts(calm.result));
    expect(killed.result.dfs!.exhausted).toBe(true);
    // ~2.7e34 schedules, summed in another order: equal to within float rounding.
    expect(Math.abs(killed.result.dfs!.states!.paths / local.paths - 1)).toBeLessThan(1e-12);
  }, 120_000);
});
