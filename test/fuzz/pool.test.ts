// fuzz --jobs (src/fuzz/pool.ts): the worlds judged on a pool of worker threads give the files one
// job gives, byte for byte (the timings aside); a machine that throws in a job fails the run with
// its actor, event and stack, and the pool's threads all end.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drawnWorlds } from '../../src/fuzz/draw.ts';
import { fuzz, type JudgeMany } from '../../src/fuzz/fuzz.ts';
import type { Bounds } from '../../src/fuzz/generate.ts';
import { judgePool } from '../../src/fuzz/pool.ts';
import { ActorCrash } from '../../src/runtime/host.ts';
import { variantByName } from '../../src/variants/variants.ts';

const B: Bounds = { processes: 1, steps: 6, pages: 2 };
/** Seed 2's world 0 shows pre-fix's leak (as in fuzz.test.ts). */
const SEED = 2;

const run = (kernel: string, worlds: number, out: string | undefined, jobs: number, judge?: JudgeMany) =>
  fuzz({ variant: variantByName(kernel), bounds: B, seed: SEED, mode: 'random', items: drawnWorlds(B, SEED), worlds, budget: 60, shrinkTries: 40, batch: jobs, judge, out });

/** A file as written, its folder named DIR and its timings gone. */
const file = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').replaceAll(dir, 'DIR').replace(/"seconds": ?[\d.]+/g, '');

describe('fuzz --jobs', { timeout: 90_000 }, () => {
  afterEach(() => {
    delete process.env.SVMSIM_FAULT_FUZZ_CRASH;
  });

  it('on a pool of 2 finds what one job finds: summary.json, the shrunk world and its schedule byte for byte', async () => {
    const one = mkdtempSync(join(tmpdir(), 'svmsim-fuzz-j1-'));
    const two = mkdtempSync(join(tmpdir(), 'svmsim-fuzz-j2-'));
    const r1 = await run('pre-fix', 4, one, 1);
    const pool = judgePool(variantByName('pre-fix'), 2);
    try {
      const r2 = await run('pre-fix', 4, two, 2, pool.judge);
      expect(r2.findings.map((f) => f.oracle)).toEqual(['leak']);
      expect(r2.worlds).toBe(r1.worlds);
    } finally {
      await pool.close();
    }
    for (const f of ['summary.json', 'leak.scenario.json', 'leak.json']) expect(file(two, f)).toBe(file(one, f));
  });

  it('a machine that throws in a job fails the run with its actor, event and stack; every thread ends', async () => {
    process.env.SVMSIM_FAULT_FUZZ_CRASH = 'fuzz-1';
    const pool = judgePool(variantByName('fixed'), 2);
    let e: unknown;
    try {
      await run('fixed', 4, undefined, 2, pool.judge).catch((x: unknown) => (e = x));
      expect(pool.threads()).toBe(2);
    } finally {
      await pool.close();
    }
    expect(e).toBeInstanceOf(ActorCrash);
    expect(e).toMatchObject({ actor: 'mm#1', event: 'mm.put' });
    expect((e as ActorCrash).message).toMatch(/^actor mm#1 crashed on mm\.put: Error: injected crash in fuzz-1/);
    expect((e as ActorCrash).stack).toMatch(/in worker fuzz job \(world fuzz-1\):\nError: injected crash in fuzz-1 .*\n\s+at injectedCrash/);
    expect(pool.threads()).toBe(0);
  });
});
