// --swarm N --jobs J (src/explore/swarm-jobs.ts): the members on a pool of threads search exactly
// what they search one after another, and the files kept are the ones the one-thread swarm writes
// (each oracle's from the lowest member that found it), whichever thread ends first.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exploreSwarm } from '../../src/explore/swarm.ts';
import { exploreSwarmJobs } from '../../src/explore/swarm-jobs.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import { refusedBy } from '../cli/cli.ts';
import { register } from '../../src/cli/commands/explore.ts';

const base = (out: string) => ({ scenario: loadScenario('exit-with-mmap'), variant: variantByName('fixed-no-fault-pin'), strategy: 'dfs' as const, seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline' as const, reorder: false, shrink: true, bitstate: 14, out });
const files = (dir: string) => Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('a swarm on --jobs', { timeout: 120_000 }, () => {
  it('runs each member as on one thread and keeps the same counterexample files', async () => {
    const one = mkdtempSync(join(tmpdir(), 'svmsim-swarm1-'));
    const two = mkdtempSync(join(tmpdir(), 'svmsim-swarm2-'));
    const seq = await exploreSwarm(base(one), 3);
    const par = await exploreSwarmJobs({ ...base(two), jobs: 2, interrupted: () => false }, 3);
    expect(par.jobs).toBe(2);
    expect(par.dfs!.swarm).toEqual(seq.dfs!.swarm);
    expect(par.violations.map((v) => [v.oracle, v.member, v.file?.replace(two, '')])).toEqual(seq.violations.map((v) => [v.oracle, v.member, v.file?.replace(one, '')]));
    expect(Object.keys(files(two)).length).toBeGreaterThan(0);
    expect(files(two)).toEqual(files(one));
    // The members' own folders are gone.
    expect(readdirSync(two).filter((f) => f.startsWith('.swarm-member-'))).toEqual([]);
    expect(existsSync(join(two, '.swarm-member-0'))).toBe(false);
  });

  it('is refused for a bitstate search without --swarm, as before', async () => {
    const e = await refusedBy(register, 'explore', ['--strategy', 'dfs', '--bitstate', '20', '--jobs', '2']);
    expect((e as Error).message).toMatch(/^--bitstate keeps its bit array in this process: no --jobs or --shard with it \(--swarm N --jobs J/);
  });
});
