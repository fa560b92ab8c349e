// `explore --queue`, `worker` and `status` as a user runs them, against a real redis-server (a free
// port, a temp dir) this file starts and stops: bad queue input is one line and exit 2 before any
// work (no campaign submitted anywhere).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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

const cli = (args: string[], started?: (p: ChildProcess) => void) => svmsimAsync(args, started, 45_000);


describe('bad queue input: exit 2, one line, nothing submitted', { timeout: 60_000 }, () => {
  it.concurrent("--queue '' names --queue, not --resume (F16)", async () => {
    oneLine(await cli(['explore', '-k', 'fixed', '--queue', '', '--schedules', '5']), /^svmsim: --queue needs a URL \(redis:\/\/HOST:PORT\[\/DB\]\), got ''\n$/);
  });

  it.concurrent('worker --concurrency beyond 2 per core is refused as --jobs is (F19)', async () => {
    const n = 2 * availableParallelism() + 1;
    oneLine(await cli(['worker', '--queue', redis.url, '--concurrency', String(n)]), new RegExp(`^svmsim: --concurrency ${n} is beyond this machine's \\d+ core\\(s\\).*at most ${n - 1} \\(2 per core\\); each job runs in a process of its own\\n$`));
  });

  it.concurrent('a Redis URL with a DB the server lacks: no stack, and no campaign slips into DB 0 (F7)', async () => {
    oneLine(await cli(['explore', '-s', 'exit-with-mmap', '-k', 'fixed', '--queue', `${redis.url}/99`, '--schedules', '5']), /^svmsim: cannot use the queue redis:\/\/127\.0\.0\.1:\d+\/99: it has no database 99 \(ERR DB index is out of range/);
    const r = new Redis(redis.url);
    try {
      expect(await r.keys('svmsim:*')).toEqual([]);
    } finally {
      r.disconnect();
    }
  });
});

const until = async (what: string, cond: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> => {
  for (const t0 = Date.now(); !(await cond()); await new Promise((ok) => setTimeout(ok, 100))) if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
};
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, any>;

describe('explore --queue --out: one campaign per folder, stamped, and what it found written however it ends', { timeout: 180_000 }, () => {
  it('locks the folder (a second campaign is refused), writes what it found on Ctrl-C, refuses --resume with another kernel, and merge takes the folder (F1, F21, F13)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-camp-'));
    const out = join(dir, 'D');
    const r = await connectRedis(redis.url);
    try {
      const base = ['explore', '--queue', redis.url, '-s', 'exit-with-mmap', '--strategy', 'random', '--out', out];
      let a: ChildProcess | undefined;
      let errA = '';
      const first = cli([...base, '-k', 'pre-fix', '--schedules', '30', '--chunk', '10'], (p) => ((a = p), p.stderr!.on('data', (d) => (errA += d))));
      await until('campaign A to lock its folder and start', () => existsSync(join(out, '.svmsim.lock')) && /campaign (\S+) on/.test(errA));
      const id = /campaign (\S+) on/.exec(errA)![1]!;
      // F1: a second campaign into the folder is refused before it submits anything.
      const second = await cli([...base, '-k', 'fixed', '--schedules', '10', '--chunk', '5']);
      oneLine(second, new RegExp(`^svmsim: --out .* is in use by run ${id} \\(pid \\d+`));
      expect(await r.smembers('svmsim:campaigns')).toEqual([id]);
      // One job of A runs here (no worker yet: the others wait), and finds the leak.
      await runCampaignJob(r, jobId(id, { kind: 'seeds', from: 0, to: 10 }), { campaign: id, part: { kind: 'seeds', from: 0, to: 10 } });
      expect(await r.hexists(keys(id).cex, 'leak')).toBe(1);
      a!.kill('SIGINT');
      const detached = await first;
      expect(detached.code).toBe(130);
      // F21: what it had found is in the folder, stamped with the campaign.
      const partial = readJson(join(out, 'summary.json'));
      expect(partial).toMatchObject({ run: id, interrupted: true, schedules: 10, parts: [{ run: id, shard: '1/1' }] });
      expect(partial.violations.map((v: { oracle: string }) => v.oracle)).toContain('leak');
      expect(readJson(join(out, 'leak.json')).run).toBe(id);
      // F21: --resume with another kernel is refused, not silently ignored.
      oneLine(await cli(['explore', '--queue', redis.url, '--resume', id, '-k', 'fixed']), new RegExp(`^svmsim: --resume ${id}: the campaign was submitted with -k/--kernel pre-fix; -k/--kernel fixed cannot change it`));
      // The rest, with a worker: the detached summary moves to earlier/<id>/, merge takes the result (F13).
      const w = startWorker(r, { url: redis.url, concurrency: 1 });
      let done;
      try {
        done = await cli(['explore', '--queue', redis.url, '--resume', id, '--out', out, '--json']);
      } finally {
        await w.close();
      }
      expect(done.code).toBe(1);
      expect(readJson(join(out, 'earlier', id, 'summary.json')).schedules).toBe(10);
      expect(readJson(join(out, 'summary.json'))).toMatchObject({ run: id, schedules: 30, interrupted: false, parts: [{ run: id, shard: '1/1' }] });
      const merged = await cli(['merge', out, '--json']);
      expect(merged.code).toBe(1);
      expect(JSON.parse(merged.stdout)).toMatchObject({ schedules: 30 });
    } finally {
      r.disconnect();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
