// `explore --queue`, `worker` and `status` as a user runs them, against a real redis-server (a free
// port, a temp dir) this file starts and stops: bad queue input is one line and exit 2 before any
// work (no campaign submitted anywhere).
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { BIN } from './cli.ts';
import { startRedis, type TestRedis } from '../../tools/redis-server.ts';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

/** `svmsim ARGS` to its end, without blocking the others (they run side by side). */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  // A command that should have refused at once and did not (a worker runs until stopped): end it.
  const cap = setTimeout(() => p.kill('SIGKILL'), 45_000);
  return new Promise((ok) => p.on('exit', (code) => (clearTimeout(cap), ok({ code, stdout, stderr }))));
}

const oneLine = (r: { code: number | null; stderr: string }, message: RegExp) => {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
};

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
