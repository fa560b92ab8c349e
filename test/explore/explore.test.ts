// The exploration driver on the model: shards and jobs share the work, results merge, files are
// written, a stop is honoured.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MUNMAP_CLOSE_ALIVE as E } from '../expected.ts';
import { describe, expect, it } from 'vitest';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import { exploreJobs } from '../../src/explore/parallel.ts';
import { mergeResults } from '../../src/explore/result.ts';
import { readScheduleFile } from '../../src/explore/schedule-file.ts';
import { summarize, summaryText } from '../../src/explore/summary.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const base = (kernel: string, more: Partial<ExploreOptions> = {}): ExploreOptions => ({
  scenario: loadScenario('exit-with-mmap'),
  variant: variantByName(kernel),
  strategy: 'random',
  seed: 0,
  maxSteps: 2000,
  transport: 'inline',
  reorder: false,
  ...more,
});
const tmp = () => mkdtempSync(join(tmpdir(), 'svmsim-explore-'));

describe('explore', () => {
  it('shards split the schedules and merge back into the whole', async () => {
    const o = base('fixed-no-fault-pin', { schedules: 24, shrink: false });
    const whole = await explore(o);
    const parts = await Promise.all([1, 2, 3].map((k) => explore({ ...o, shard: { k, n: 3 } })));
    expect(parts.map((p) => p.schedules)).toEqual([8, 8, 8]);
    const merged = mergeResults(parts);
    expect(merged.schedules).toBe(whole.schedules);
    expect(merged.endStates).toEqual(whole.endStates);
    expect(merged.coverage).toEqual(whole.coverage);
    expect(merged.violations.map((v) => [v.oracle, v.count, v.schedule, v.seed])).toEqual(whole.violations.map((v) => [v.oracle, v.count, v.schedule, v.seed]));
    expect(merged.shards).toEqual(['1/3', '2/3', '3/3']);
  });

  it('refuses to merge different explorations', () => {
    const a = { format: 1, kernel: 'fixed', scenario: 's', strategy: 'pct', reorder: false } as never;
    expect(() => mergeResults([a, { ...(a as object), kernel: 'pre-fix' } as never])).toThrow(/different kernel/);
  });

  it('writes each oracle once, shrunk, and the file replays strictly', async () => {
    const out = tmp();
    const r = await explore(base('fixed-no-release-flush', { strategy: 'pct', schedules: 40, out, stopOnFirst: true }));
    expect(r.violations.map((v) => v.oracle)).toContain('dma-freed');
    expect(r.schedules).toBeLessThan(40);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const f = readScheduleFile(join(out, 'dma-freed.json'));
    const rec = r.violations.find((v) => v.oracle === 'dma-freed')!;
    expect(f.shrunk).toBe(true);
    expect(f.choices.length).toBe(f.deliveries);
    expect(f.preemptions).toBeLessThanOrEqual(f.original!.preemptions);
    expect([rec.deliveries, rec.preemptions]).toEqual([f.deliveries, f.preemptions]);
    // Saved again by an editor with a UTF-8 byte-order mark: read as the same file (issue 29 F18).
    const bom = join(out, 'bom.json');
    writeFileSync(bom, `\ufeff${readFileSync(join(out, 'dma-freed.json'), 'utf8')}`);
    expect(readScheduleFile(bom).choices).toEqual(f.choices);
  });

  it('stops when told to and says so', async () => {
    let n = 0;
    const r = await exploreJobs({ ...base('fixed', { schedules: 500 }), jobs: 1, interrupted: () => ++n > 5 });
    expect(r.interrupted).toBe(true);
    expect(r.schedules).toBeLessThan(10);
  });

  it('--jobs: a piscina pool shares the seeds; the result equals one job’s', async () => {
    const o = base('fixed-no-fault-pin', { schedules: 16, shrink: false });
    const one = await explore(o);
    const two = await exploreJobs({ ...o, jobs: 2, interrupted: () => false });
    expect(two.jobs).toBe(2);
    expect(two.schedules).toBe(16);
    expect(two.endStates).toEqual(one.endStates);
    expect(two.violations.map((v) => [v.oracle, v.count, v.schedule])).toEqual(one.violations.map((v) => [v.oracle, v.count, v.schedule]));
  }, 60_000);

  it('summarizes: violations as run --json has them, coverage from the machine definitions', async () => {
    const r = await explore(base('fixed-no-fault-pin', { strategy: 'random', schedules: 30, shrink: false }));
    const s = summarize(r);
    expect(s.violations[0]).toMatchObject({ oracle: expect.any(String), message: expect.stringMatching(/BUG|kmemleak/), step: expect.any(Number) });
    expect(s.distinctEndStates).toBe(r.endStates.length);
    for (const m of Object.values(s.coverage.machines)) {
      expect(m.states.visited).toBeGreaterThan(0);
      expect(m.states.visited).toBeLessThanOrEqual(m.states.total);
      expect(m.transitions.visited).toBeLessThanOrEqual(m.transitions.total);
    }
    expect(summaryText(s)).toMatch(/coverage \(visited\/total\):[\s\S]*all\s+\d+\/\d+/);
  });

  it('dfs on the model: replays its own prefixes deterministically and reports the reduction', async () => {
    const r = await explore(base('fixed', { strategy: 'dfs', reduction: 'dpor', scenario: loadScenario('munmap-close-alive') }));
    expect(r.dfs).toMatchObject({ exhausted: true, reduction: 'dpor' });
    expect(r.schedules).toBeGreaterThan(1);
    expect(r.dfs!.estimate!).toBeGreaterThan(r.schedules);
  });

  it('stateful dfs on the model: the same coverage and end states as dpor, on either transport', async () => {
    const scenario = loadScenario('munmap-close-alive');
    const dpor = await explore(base('fixed', { strategy: 'dfs', reduction: 'dpor', scenario }));
    for (const transport of ['inline', 'workers'] as const) {
      const r = await explore(base('fixed', { strategy: 'dfs', scenario, transport }));
      expect(r.dfs).toMatchObject({ exhausted: true, reduction: 'states', states: { states: E.states, transitions: E.transitions, paths: E.schedules } });
      expect(r.endStates).toEqual(dpor.endStates);
      expect(r.coverage).toEqual(dpor.coverage);
    }
  }, 60_000);

  it('stateful dfs --jobs 2: one visited set, so the states of one job (plus the top both walk) and the same schedules', async () => {
    const o = base('fixed', { strategy: 'dfs', scenario: loadScenario('munmap-close-alive'), shrink: false });
    const one = await explore(o);
    // Two shards share no memory: each searches what it reaches below the split on its own.
    const shards = mergeResults(await Promise.all([1, 2].map((k) => explore({ ...o, shard: { k, n: 2 } }))));
    expect(shards.dfs!.states).toMatchObject({ states: E.shardStates, transitions: E.shardTransitions, paths: E.schedules, top: 2 * E.top });
    // A shard run with jobs: each says its share is exhausted, and their merge says the whole is.
    const halves = await Promise.all([1, 2].map((k) => exploreJobs({ ...o, shard: { k, n: 2 }, jobs: 2, interrupted: () => false })));
    for (const h of halves) expect(h.dfs).toMatchObject({ exhausted: true, states: { exhausted: true } });
    expect(mergeResults(halves).dfs).toMatchObject({ exhausted: true, states: { paths: E.schedules } });
    expect(mergeResults(halves.slice(0, 1)).dfs!.exhausted).toBe(false);
    for (const transport of ['inline', 'workers'] as const) {
      const two = await exploreJobs({ ...o, transport, jobs: 2, interrupted: () => false });
      const st = two.dfs!.states!;
      // Both jobs walk the states above the split (level 4) uncached; below it, each state is
      // expanded by one job: the single job's states less those it met in the top only.
      expect(st).toMatchObject({ states: 2 * E.top + E.below, transitions: E.jobTransitions, paths: E.schedules, top: 2 * E.top, exhausted: true });
      expect(st.states - st.top!).toBeLessThan(one.dfs!.states!.states);
      expect(st.graph).toBeUndefined();
      expect(two).toMatchObject({ jobs: 2, interrupted: false, violations: [], dfs: { exhausted: true, reduction: 'states' } });
      expect(two.endStates).toEqual(one.endStates);
      expect(two.coverage).toEqual(one.coverage);
    }
  }, 90_000);

  it('stateful dfs --jobs 2 --stop-on-first: both jobs stop, one counterexample file', async () => {
    const out = tmp();
    const r = await exploreJobs({ ...base('fixed-no-fault-pin', { strategy: 'dfs', stopOnFirst: true, out, shrink: false }), jobs: 2, interrupted: () => false });
    expect(r.violations.map((v) => v.oracle)).toContain('leak');
    expect(r.dfs!.exhausted).toBe(false);
    expect(readdirSync(out).filter((f) => f.endsWith('.json'))).toEqual(r.violations.map((v) => `${v.oracle}.json`).sort());
  }, 90_000);

  it('stateful dfs --jobs 2: --schedules and Ctrl-C end both jobs', async () => {
    const o = base('fixed', { strategy: 'dfs', shrink: false });
    const limited = await exploreJobs({ ...o, schedules: 20, jobs: 2, interrupted: () => false });
    expect(limited.schedules).toBe(20);
    expect(limited.dfs).toMatchObject({ exhausted: false, states: { exhausted: false } });
    let stopped = false;
    const r = await exploreJobs({ ...o, jobs: 2, interrupted: () => stopped, onInterrupt: (stop) => setTimeout(() => ((stopped = true), stop()), 500) });
    expect(r).toMatchObject({ interrupted: true, dfs: { exhausted: false } });
    // exit-with-mmap has 12,013 states: both jobs stopped long before
    expect(r.dfs!.states!.states).toBeLessThan(12_013);
  }, 60_000);

  it('stateful dfs: a counterexample is written as found and shrunk once the search is over', async () => {
    const out = mkdtempSync(join(tmpdir(), 'svmsim-sdfs-'));
    const r = await explore(base('fixed-no-fault-pin', { strategy: 'dfs', stopOnFirst: true, out, shrink: true }));
    const rec = r.violations[0]!;
    // the fault served in the defunct mm fills pages that exit_mmap has already passed
    expect(rec.oracle).toBe('leak');
    expect(rec.violation.message).toMatch(/populated at step \d+ by handle_mm_fault .* after mm#1 went defunct/);
    const file = readScheduleFile(rec.file!);
    expect(file.shrunk).toBe(true);
    // The search's own run switches threads at almost every step; shrinking cuts that down.
    expect(file.original!.preemptions).toBeGreaterThan(file.preemptions);
    expect(rec.preemptions).toBe(file.preemptions);
  }, 60_000);
});
