// fuzz --queue (src/distributed/fuzz-queue.ts): the worlds judged as jobs by campaign workers
// (each job in a process of its own, as `svmsim worker` runs them) against a real redis-server
// give the files the in-process run gives, byte for byte (the timings aside), shrinking included;
// a job that fails every try fails the run with its error (a machine's throw: its actor, event
// and stack); a bad queue URL is refused, one line,
// before any work.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawnWorlds } from '../../src/fuzz/draw.ts';
import { fuzz, type JudgeMany } from '../../src/fuzz/fuzz.ts';
import type { Bounds } from '../../src/fuzz/generate.ts';
import { queueJudge } from '../../src/distributed/fuzz-queue.ts';
import { register } from '../../src/cli/commands/fuzz.ts';
import { BadInput } from '../../src/errors.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { startRedis, type TestRedis } from '../../tools/redis-server.ts';
import { refusedBy } from '../cli/cli.ts';
import { withWorkers } from './harness.ts';

const B: Bounds = { processes: 1, steps: 6, pages: 2 };
/** Seed 2's world 0 shows pre-fix's leak (as in test/fuzz/fuzz.test.ts). */
const SEED = 2;

const run = (worlds: number, out: string | undefined, batch: number, judge?: JudgeMany) =>
  fuzz({ variant: variantByName('pre-fix'), bounds: B, seed: SEED, mode: 'random', items: drawnWorlds(B, SEED), worlds, budget: 60, shrinkTries: 40, batch, judge, out });

const file = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').replaceAll(dir, 'DIR').replace(/"seconds": ?[\d.]+/g, '');

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('fuzz --queue', { timeout: 120_000 }, () => {
  it('worlds judged by 2 workers find, shrink and write what one process does: summary.json, the shrunk world and its schedule byte for byte', async () => {
    const local = mkdtempSync(join(tmpdir(), 'svmsim-fuzzq-local-'));
    const queued = mkdtempSync(join(tmpdir(), 'svmsim-fuzzq-queue-'));
    const r1 = await run(3, local, 1);
    await withWorkers(redis.url, 2, async (r) => {
      const q = queueJudge(r, 'pre-fix');
      try {
        const r2 = await run(3, queued, 4, q.judge);
        expect(r2.findings.map((f) => [f.oracle, f.world])).toEqual([['leak', 0]]);
        expect(r2.worlds).toBe(r1.worlds);
      } finally {
        await q.close();
      }
    });
    for (const f of ['summary.json', 'leak.scenario.json', 'leak.json']) expect(file(queued, f)).toBe(file(local, f));
  });

  it('a job whose process dies on every try fails the run, naming the job, its world and the death', async () => {
    process.env.SVMSIM_FAULT_KILL_JOB = '.w1';
    try {
      const e = await withWorkers(redis.url, 1, async (r) => {
        const q = queueJudge(r, 'fixed', { attempts: 2 });
        try {
          return await run(3, undefined, 3, q.judge).then(() => undefined, (x: unknown) => x as Error);
        } finally {
          await q.close();
        }
      });
      expect(e?.message).toMatch(/^fuzz --queue: job \S+\.w1 \(world fuzz-1\) failed after 2 tries: the process running job \S+\.w1 died \(SIGKILL\)/);
    } finally {
      delete process.env.SVMSIM_FAULT_KILL_JOB;
    }
  });

  it('a machine that throws in a job fails the run with its actor, event and stack', async () => {
    process.env.SVMSIM_FAULT_FUZZ_CRASH = 'fuzz-1';
    try {
      const e = await withWorkers(redis.url, 1, async (r) => {
        const q = queueJudge(r, 'fixed', { attempts: 1 });
        try {
          return await run(3, undefined, 3, q.judge).then(() => undefined, (x: unknown) => x as Error);
        } finally {
          await q.close();
        }
      });
      expect(e?.message).toMatch(/^fuzz --queue: job \S+\.w1 \(world fuzz-1\) failed after 1 tries: \w+: actor mm#1 crashed on mm\.put: Error: injected crash in fuzz-1 .*\n\s+in worker job \S+\.w1 \(world fuzz-1\):\nError: injected crash in fuzz-1 .*\n\s+at injectedCrash/);
    } finally {
      delete process.env.SVMSIM_FAULT_FUZZ_CRASH;
    }
  });

  it.each([
    ['not-a-url', /^--queue must be redis:\/\/HOST:PORT\[\/DB\], got 'not-a-url'$/],
    ['http://127.0.0.1:6379', /^--queue must be a redis:\/\/ or rediss:\/\/ URL, got 'http:\/\/127\.0\.0\.1:6379'$/],
  ])('--queue %s is refused before any work, in one line', async (url, message) => {
    const out = join(tmpdir(), `svmsim-fuzzq-bad-${Date.now()}`);
    const e = await refusedBy(register, 'fuzz', ['--queue', url, '--out', out]);
    expect(e).toBeInstanceOf(BadInput);
    expect((e as Error).message).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('a queue that does not answer is refused before any work', async () => {
    const out = join(tmpdir(), `svmsim-fuzzq-down-${Date.now()}`);
    const e = await refusedBy(register, 'fuzz', ['--queue', `redis://127.0.0.1:${redis.port + 1}`, '--out', out]);
    expect(e).toBeInstanceOf(BadInput);
    expect((e as Error).message).toMatch(/^cannot use the queue redis:\/\/127\.0\.0\.1:\d+\/?: /);
    expect(existsSync(out)).toBe(false);
  });
});
