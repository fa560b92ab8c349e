// A swarm as a campaign (src/distributed/swarm.ts): N member jobs on 2 workers search exactly what
// the in-process `--swarm N` members search (the same states, transitions, coverage and oracles per
// member), keep each oracle's counterexample from the lowest member that found it (the file the
// in-process swarm writes, shrunk), and `status` lists the members.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exploreSwarm } from '../../src/explore/swarm.ts';
import { counterexamples, jobResults } from '../../src/distributed/results.ts';
import { jobId } from '../../src/distributed/campaign.ts';
import { explore } from '../../src/explore/explore.ts';
import type { ExploreResult } from '../../src/explore/result.ts';
import { campaignStatus, statusText } from '../../src/distributed/status.ts';
import { firstParts, newSpec } from '../../src/distributed/submit.ts';
import { campaign, inProcess, options, withWorkers } from './harness.ts';
import { startRedis, type TestRedis } from '../../tools/redis-server.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

const BITS = 14;
const MEMBERS = 3;
const files = (dir: string) => Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown]));

describe('a swarm as a campaign', { timeout: 300_000 }, () => {
  it('N member jobs on 2 workers: each member as in process, the same oracles and counterexample files, never exhausted', async () => {
    const o = options('exit-with-mmap', 'fixed-no-fault-pin', 'dfs', { shrink: true, bitstate: BITS });
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-swarm-local-'));
    const local = await exploreSwarm({ ...inProcess(o), bitstate: BITS, out: dir }, MEMBERS);
    const { result, status, cex, stored } = await withWorkers(redis.url, 2, async (r) => {
      const run = await campaign(r, { options: o, swarm: MEMBERS });
      const results = await jobResults(r, run.spec.id);
      return { ...run, status: await campaignStatus(r, run.spec.id), cex: await counterexamples(r, run.spec.id), stored: results.get(jobId(run.spec.id, { kind: 'member', member: 1 }))! };
    });
    // Member 1's own result, as a worker stored it, is member 1's in this process, less the time
    // it took (seconds, history), where its files went, and the report's entry counts
    // (coverageCounts: xstate's microsteps, seen only where the process's transition table misses,
    // so they depend on what the process ran before; docs/results/issue-27.md).
    const aloneDir = mkdtempSync(join(tmpdir(), 'svmsim-swarm-m1-'));
    const alone = await explore({ ...inProcess(o), bitstate: BITS, member: 1, out: aloneDir });
    rmSync(aloneDir, { recursive: true, force: true });
    const timeless = ({ seconds: _s, history: _h, coverageCounts: _c, ...rest }: ExploreResult) => JSON.parse(JSON.stringify({ ...rest, violations: rest.violations.map(({ file: _f, ...v }) => v) })) as unknown;
    expect(timeless(stored)).toEqual(timeless(alone));
    expect(result.jobs).toBe(MEMBERS);
    expect(result.dfs!.exhausted).toBe(false);
    expect(result.interrupted).toBe(false);
    expect(result.dfs!.swarm).toEqual(local.dfs!.swarm);
    expect(result.dfs!.swarm!.map((m) => m.member)).toEqual([0, 1, 2]);
    expect(result.dfs!.states!.states).toBe(local.dfs!.states!.states);
    expect(result.coverage).toEqual(local.coverage);
    expect(result.endStates).toEqual(local.endStates);
    const oracles = (r: typeof result) => r.violations.map((v) => v.oracle).sort();
    expect(oracles(result)).toEqual(oracles(local));
    expect(oracles(result).length).toBeGreaterThan(0);
    // Each oracle's file is the lowest member's, shrunk, as the in-process swarm wrote it.
    const mine = Object.fromEntries(cex.map((f) => [`${f.violation.oracle}.json`, f]).sort(([a], [b]) => String(a).localeCompare(String(b))));
    expect(mine).toEqual(files(dir));
    for (const f of cex) expect(f.shrunk).toBe(true);
    // status: every member done, with its states and coverage.
    expect(status.swarm!.map((m) => [m.member, m.state, m.states, m.coverage])).toEqual(local.dfs!.swarm!.map((m) => [m.member, 'done', m.states, m.coverage]));
    expect(statusText(status)).toMatch(/member 2: \d+ states, \d+ transitions, coverage/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('--time is each member\'s own (as in process), not a deadline for the campaign: a member that waits for a worker gets all of it', () => {
    const o = options('exit-with-mmap', 'fixed-no-fault-pin', 'dfs', { bitstate: BITS });
    const spec = newSpec({ options: o, swarm: MEMBERS, seconds: 5 });
    expect(spec).toMatchObject({ swarm: MEMBERS, memberSeconds: 5 });
    expect(spec.deadline).toBeUndefined();
    expect(firstParts(spec)).toEqual([0, 1, 2].map((member) => ({ kind: 'member', member })));
    expect(newSpec({ options: o, seconds: 5 }, 1000).deadline).toBe(6000);
  });

  it('--stop-on-first stops each member at its own first find, as in process (one member halts no other)', async () => {
    const o = options('exit-with-mmap', 'fixed-no-fault-pin', 'dfs', { stopOnFirst: true, bitstate: BITS });
    const local = await exploreSwarm({ ...inProcess(o), bitstate: BITS }, MEMBERS);
    const { result } = await withWorkers(redis.url, 2, (r) => campaign(r, { options: o, swarm: MEMBERS }));
    expect(result.dfs!.swarm).toEqual(local.dfs!.swarm);
    expect(result.dfs!.swarm!.every((m) => m.oracles.length === 1)).toBe(true);
  });

});
