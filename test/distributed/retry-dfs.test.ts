// F23: a dfs campaign job whose process is SIGKILLed mid-run. Other jobs cut where the dead try
// had claimed a state; its retry must expand every such state again, so the campaign's graph is
// the in-process search's: the same states, transitions and schedules, and `exhausted` still true.
// And `exhausted` only when every job that claimed a state ended with a result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { keys } from '../../src/distributed/campaign.ts';
import { campaignResult } from '../../src/distributed/results.ts';
import { campaign, inProcess, options, withWorkers } from './harness.ts';
import { startRedis, type TestRedis } from '../../tools/redis-server.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  delete process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS;
  await redis.stop();
});

/** The tries of `job` that published claims (the claims log names each). */
async function triesOf(r: import('ioredis').Redis, id: string, job: string): Promise<number> {
  const entries = await r.xrange(keys(id).claims, '-', '+');
  const tries = new Set<string>();
  for (const [, f] of entries) {
    const m = new Map<string, string>();
    for (let i = 0; i < f.length; i += 2) m.set(f[i]!, f[i + 1]!);
    if (m.get('job') === job) tries.add(m.get('try')!);
  }
  return tries.size;
}

describe('a dfs job killed mid-run', () => {
  it('its retry re-expands what the dead try claimed: the states and transitions of the undisturbed campaign, the schedules of the in-process search, exhausted; and not exhausted once a claimer has no result', async () => {
    const o = options('exit-with-mmap', 'fixed', 'dfs');
    const local = (await explore(inProcess(o))).dfs!.states!;
    // The same campaign undisturbed (a campaign does not match states above the dealt top of the
    // tree, so its states and transitions are compared with a campaign's), then with job 1 of 4 killed once it
    // has published 500 claims (its subtree holds thousands, but the job racing it may claim most of them first: then it dies at its end).
    const calm = await withWorkers(redis.url, 2, (r) => campaign(r, { options: o, parts: 4 }));
    // Read by the job processes as they start.
    process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS = '.d1of4:500';
    const { killed, tries, without } = await withWorkers(redis.url, 2, async (r) => {
      const killed = await campaign(r, { options: o, parts: 4 });
      const id = killed.spec.id;
      const tries = await triesOf(r, id, `${id}.d1of4`);
      // A job that claimed states but whose result is gone (failed for good, or lost).
      const claimer = (await r.smembers(keys(id).claimers)).sort()[0]!;
      await r.hdel(keys(id).results, claimer);
      const without = await campaignResult(r, id, { finished: true, failed: 0, interrupted: false, seed: 0, seconds: 1 });
      return { killed, tries, without };
    });
    delete process.env.SVMSIM_FAULT_KILL_AFTER_CLAIMS;
    expect(tries).toBe(2);
    expect(killed.failed).toEqual([]);
    const st = killed.result.dfs!.states!;
    const calmSt = calm.result.dfs!.states!;
    // States expanded below the dealt top (each by its owner) and deliveries out of them. (The top
    // is walked by every job, and a large subtree's halves add jobs, so `top` varies run to run.)
    const owned = (s: typeof st) => ({ states: s.states - (s.top ?? 0), transitions: s.transitions });
    expect(owned(st)).toEqual(owned(calmSt));
    expect(killed.result.dfs!.exhausted).toBe(true);
    // ~2.7e34 schedules, summed in another order: equal to within float rounding.
    expect(Math.abs(st.paths / local.paths - 1)).toBeLessThan(1e-12);
    expect(without!.dfs!.exhausted).toBe(false);
  }, 120_000);
});
