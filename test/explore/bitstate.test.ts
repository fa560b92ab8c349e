// --bitstate and --swarm (src/explore/bitstate.ts, swarm.ts): a bit array in place of the visited
// set. With bits to spare it reaches every state the exact search reaches and finds the same
// oracles; it is never `exhausted`; with too few bits it misses states, says so, and a swarm's
// members miss different ones; the same seed gives the same search.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayScheduleFile } from '../../src/explore/replay-file.ts';
import { refusedBy } from '../cli/cli.ts';
import { bitstateStore } from '../../src/explore/bitstate.ts';
import { explore } from '../../src/explore/explore.ts';
import { exploreSwarm } from '../../src/explore/swarm.ts';
import { summarize, summaryText } from '../../src/explore/summary.ts';
import { register } from '../../src/cli/commands/explore.ts';
import { BadInput } from '../../src/errors.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { SEED_VARIANTS, variantByName } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';

const dfs = (scenario: string, kernel: string, bitstate?: number, member?: number) =>
  explore({ scenario: loadScenario(scenario), variant: variantByName(kernel), strategy: 'dfs', seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: false, ...(bitstate !== undefined ? { bitstate } : {}), ...(member !== undefined ? { member } : {}) });
const oracles = (r: Awaited<ReturnType<typeof dfs>>) => [...new Set(r.violations.map((v) => v.oracle))].sort();

describe('the bitstate store', () => {
  it('a fingerprint is new once; the bits it sets, the hash factor and the bytes are as counted', () => {
    const s = bitstateStore(16);
    const fps = Array.from({ length: 200 }, (_, i) => ({ hi: Math.imul(i + 1, 0x9e3779b1) >>> 0, lo: Math.imul(i + 7, 0x85ebca6b) >>> 0 }));
    expect(fps.map((fp) => s.claim(fp).fresh).filter(Boolean).length).toBe(200);
    expect(fps.some((fp) => s.claim(fp).fresh)).toBe(false);
    const st = s.stats();
    expect([st.stored, s.bytes, st.hashFactor]).toEqual([200, 2 ** 16 / 8, Number((2 ** 16 / 200).toFixed(1))]);
    expect(st.setBits).toBeGreaterThan(550);
    expect(st.setBits).toBeLessThanOrEqual(600);
    expect(st.expectedMissed).toBeLessThan(0.01);
  });

  it('a bit array too small takes new states for visited ones, and expects to', () => {
    const s = bitstateStore(10);
    let fresh = 0;
    for (let i = 0; i < 2000; i++) if (s.claim({ hi: Math.imul(i + 3, 0x27d4eb2d) >>> 0, lo: i }).fresh) fresh++;
    const st = s.stats();
    expect(fresh).toBe(st.stored);
    expect(fresh).toBeLessThan(2000);
    expect(st.expectedMissed).toBeGreaterThan(100);
    expect(st.coverage).toBeLessThan(0.9);
  });
});

describe('explore --bitstate', { timeout: 60_000 }, () => {
  const SMALL = ['exit-with-mmap', 'munmap-close-alive', 'close-then-exit', 'bind-after-exit'];
  it.each(SEED_VARIANTS.flatMap((v) => SMALL.map((s) => [v.name, s] as const)))('%s / %s: with 2^24 bits, the states and oracles of the exact search, and not exhausted', async (kernel, scenario) => {
    const [exact, bits] = await Promise.all([dfs(scenario, kernel), dfs(scenario, kernel, 24)]);
    expect(bits.dfs!.states!.states).toBe(exact.dfs!.states!.states);
    expect(oracles(bits)).toEqual(oracles(exact));
    expect(exact.dfs!.exhausted).toBe(true);
    expect(bits.dfs!.exhausted).toBe(false);
    expect(summaryText(summarize(bits))).toMatch(/dfs: bitstate search ended: \d+ states, .*not exhaustive/);
  });

  it('too few bits: fewer states than the exact search, a miss expected and the rule of thumb named; the same seed, the same search', async () => {
    const [exact, small, again] = await Promise.all([dfs('exit-with-mmap', 'fixed-no-fault-pin'), dfs('exit-with-mmap', 'fixed-no-fault-pin', 14), dfs('exit-with-mmap', 'fixed-no-fault-pin', 14)]);
    expect(small.dfs!.states!.states).toBeLessThan(exact.dfs!.states!.states);
    expect(small.dfs!.states!.bitstate!.expectedMissed).toBeGreaterThan(1);
    expect(summaryText(summarize(small))).toMatch(/a collision hid about \d+ of the new states it met .*under 100 bits per state/);
    const same = (r: typeof small) => JSON.stringify([r.dfs, r.violations, r.endStates, r.schedules]);
    expect(same(again)).toBe(same(small));
  });

  it('a swarm: each member its own hashes and order, so they reach different states; the finds of any member are the swarm\'s', async () => {
    const o = { scenario: loadScenario('exit-with-mmap'), variant: variantByName('fixed-no-fault-pin'), strategy: 'dfs' as const, seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline' as const, reorder: false, shrink: false, bitstate: 14 };
    const r = await exploreSwarm(o, 3);
    const m = r.dfs!.swarm!;
    expect(m.map((x) => x.member)).toEqual([0, 1, 2]);
    expect(new Set(m.map((x) => x.states)).size).toBeGreaterThan(1);
    expect(m[0]!.states).toBe((await dfs('exit-with-mmap', 'fixed-no-fault-pin', 14, 0)).dfs!.states!.states);
    expect(oracles(r)).toEqual([...new Set(m.flatMap((x) => x.oracles))].sort());
    expect(r.dfs!.exhausted).toBe(false);
    expect(summaryText(summarize(r))).toMatch(/dfs: a swarm of 3 bitstate searches/);
  });
});

describe('a counterexample found by --bitstate', { timeout: 60_000 }, () => {
  it('is shrunk and written like any other, and replays to its oracle', async () => {
    const out = mkdtempSync(join(tmpdir(), 'svmsim-bitstate-'));
    const r = await explore({ scenario: loadScenario('exit-with-mmap'), variant: variantByName('fixed-no-fault-pin'), strategy: 'dfs', seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: true, out, bitstate: 20 });
    const v = r.violations.find((x) => x.oracle === 'use-after-free')!;
    expect(v.file).toBe(join(out, 'use-after-free.json'));
    expect(v.original).toBeDefined();
    const replayed = await replayScheduleFile(v.file!, 'inline');
    expect(replayed.reproduced).toBe(true);
    expect(replayed.result.violations.map((x) => x.oracle)).toContain('use-after-free');
  });
});

describe('explore --bitstate, bad input', () => {
  const refused = (args: string[]) => refusedBy(register, 'explore', args);
  it.each([
    [['--strategy', 'dfs', '--bitstate', '5'], /^--bitstate must be an integer from 10 to 34, got '5'$/],
    [['--strategy', 'random', '--bitstate', '20'], /^--bitstate applies to --strategy dfs$/],
    [['--strategy', 'dfs', '--bitstate', '20', '--reduction', 'por'], /^--bitstate is a stateful search: not with --reduction por$/],
    [['--strategy', 'dfs', '--bitstate', '20', '--jobs', '2'], /^--bitstate keeps its bit array in this process: no --jobs or --shard/],
    [['--strategy', 'dfs', '--swarm', '3'], /^--swarm needs --bitstate BITS/],
  ])('%j: one line, before any work', async (args, message) => {
    const e = await refused(args);
    expect(e).toBeInstanceOf(BadInput);
    expect((e as Error).message).toMatch(message);
  });
});
