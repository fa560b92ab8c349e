// `explore --strategy dfs --bitstate B --swarm N --queue URL` as a user runs it, against a
// redis-server this file starts and stops: bad input is one line and exit 2 before anything is
// submitted; SIGTERM keeps what the finished members found (never `exhausted`); --resume with a
// worker gets every member, its counterexample files replayable; `status` lists the members.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { BIN, oneLine, svmsimAsync } from './cli.ts';
import { jobId, keys } from '../../src/distributed/campaign.ts';
import { connectRedis } from '../../src/distributed/connection.ts';
import { runCampaignJob } from '../../src/distributed/job-run.ts';
import { startWorker } from '../../src/distributed/worker.ts';
import { startRedis, type TestRedis } from '../../tools/redis-server.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

const cli = (args: string[], started?: (p: ChildProcess) => void) => svmsimAsync(args, started, 120_000);

const until = async (what: string, cond: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> => {
  for (const t0 = Date.now(); !(await cond()); await new Promise((ok) => setTimeout(ok, 100))) if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
};
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, any>;
const SWARM = ['-s', 'exit-with-mmap', '-k', 'fixed-no-fault-pin', '--strategy', 'dfs', '--bitstate', '14', '--swarm', '3'];

describe('explore --swarm N --queue: bad input', { timeout: 60_000 }, () => {
  it.concurrent('--swarm without --bitstate, --bitstate without --swarm, a swarm of random, of por, with --parts or --split-after: exit 2, one line, nothing submitted', async () => {
    const q = ['explore', '-s', 'exit-with-mmap', '--queue', redis.url];
    oneLine(await cli([...q, '--strategy', 'dfs', '--swarm', '3']), /^svmsim: --swarm needs --bitstate BITS/);
    oneLine(await cli([...q, '--strategy', 'dfs', '--bitstate', '14']), /^svmsim: --bitstate keeps its bit array in one process: with --queue, give --swarm N/);
    oneLine(await cli([...q, '--strategy', 'random', '--bitstate', '14', '--swarm', '3']), /^svmsim: --bitstate applies to --strategy dfs/);
    oneLine(await cli([...q, '--strategy', 'dfs', '--bitstate', '14', '--swarm', '3', '--reduction', 'por']), /^svmsim: --bitstate is a stateful search: not with --reduction por/);
    oneLine(await cli([...q, '--strategy', 'dfs', '--bitstate', '14', '--swarm', '3', '--parts', '4']), /^svmsim: --parts shares out seeds or a dfs tree: a swarm's jobs are its members/);
    oneLine(await cli([...q, '--strategy', 'dfs', '--bitstate', '14', '--swarm', '3', '--split-after', '10']), /^svmsim: --split-after shares out seeds or a dfs tree/);
    const r = new Redis(redis.url);
    try {
      expect(await r.keys('svmsim:*')).toEqual([]);
    } finally {
      r.disconnect();
    }
  });
});

describe('explore --swarm N --queue: a campaign of members', { timeout: 240_000 }, () => {
  it('SIGTERM keeps the finished members; --resume with a worker gets them all, files replayable; status lists the members', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-swarmq-'));
    const out = join(dir, 'D');
    const r = await connectRedis(redis.url);
    try {
      let a: ChildProcess | undefined;
      let err = '';
      const first = cli(['explore', '--queue', redis.url, ...SWARM, '--out', out], (p) => ((a = p), p.stderr!.on('data', (d) => (err += d))));
      await until('the swarm campaign to start', () => /campaign (\S+) on/.test(err));
      const id = /campaign (\S+) on/.exec(err)![1]!;
      expect((await r.smembers(keys(id).jobs)).sort()).toEqual([0, 1, 2].map((m) => jobId(id, { kind: 'member', member: m })));
      // Member 1 runs here (no worker yet: the others wait), and finds the leak.
      await runCampaignJob(r, jobId(id, { kind: 'member', member: 1 }), { campaign: id, part: { kind: 'member', member: 1 } });
      expect(await r.hexists(keys(id).cex, 'leak')).toBe(1);
      const status = await cli(['status', '--queue', redis.url, '--json']);
      expect(JSON.parse(status.stdout).swarm.map((m: { member: number; state: string }) => [m.member, m.state])).toEqual([[0, 'waiting'], [1, 'done'], [2, 'waiting']]);
      a!.kill('SIGTERM');
      const detached = await first;
      expect(detached.code).toBe(143);
      const partial = readJson(join(out, 'summary.json'));
      expect(partial).toMatchObject({ run: id, interrupted: true, jobs: 1, dfs: { exhausted: false } });
      expect(partial.dfs.swarm.map((m: { member: number }) => m.member)).toEqual([1]);
      expect(partial.violations.map((v: { oracle: string }) => v.oracle)).toContain('leak');
      expect(existsSync(join(out, 'leak.json'))).toBe(true);
      // The rest, with a worker.
      const w = startWorker(r, { url: redis.url, concurrency: 1 });
      let done;
      try {
        done = await cli(['explore', '--queue', redis.url, '--resume', id, '--out', out, '--json']);
      } finally {
        await w.close();
      }
      expect(done.code).toBe(1);
      const all = readJson(join(out, 'summary.json'));
      expect(all).toMatchObject({ run: id, interrupted: false, jobs: 3, dfs: { exhausted: false } });
      expect(all.dfs.swarm.map((m: { member: number }) => m.member)).toEqual([0, 1, 2]);
      expect(JSON.parse(done.stdout).swarm).toHaveLength(3);
      const leak = readJson(join(out, 'leak.json'));
      expect(leak).toMatchObject({ run: id, shrunk: true });
      const replay = await cli(['replay', join(out, 'leak.json')]);
      expect(replay.code).toBe(1);
      expect(replay.stdout).toMatch(/leak/);
      const text = await cli(['status', '--queue', redis.url]);
      expect(text.stdout).toMatch(/swarm of 3 bitstate searches/);
      expect(text.stdout).toMatch(/member 0: \d+ states, \d+ transitions, coverage [\d.]+; found .*leak/);
    } finally {
      r.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
