// svmsim fuzz as a user runs it: bad input is exit 2 with one line naming what is wrong, before any
// work (the --out folder is not even made); a find on pre-fix writes the shrunk world and its
// schedule, and `svmsim replay` of that schedule reproduces it. Three CLI starts in all; the
// other bad inputs go through the command's own parser in this process.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/fuzz.ts';
import { BadInput } from '../../src/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { refusedBy, signalled, svmsim } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'svmsim-fuzz-cli-'));

/** Parse `svmsim fuzz ARGS` in this process: the error the command throws (none: it ran). */
const refused = (args: string[]) => refusedBy(register, 'fuzz', args);

describe('svmsim fuzz', { timeout: 90_000 }, () => {
  it.each([
    [['--processes', '9'], /^--processes must be an integer from 1 to 4, got '9'$/],
    [['--steps', '0'], /^--steps must be an integer from 1 to 12, got '0'$/],
    [['--worlds', '5', '--time', '10'], /^give --worlds or --time, not both$/],
    [['--kernel', 'nope'], /^unknown kernel variant 'nope' \(valid: .*pre-fix.*\)$/],
    [['--faults', 'device-timeout,bogus'], /^unknown fault for fuzz 'bogus' \(valid: device-timeout, /],
    [['--time', '-3'], /^--time must be a number of seconds > 0, got '-3'$/],
    [['--exhaustive', '--processes', '2'], /^--exhaustive enumerates the worlds of one process: --processes must be 1, got 2$/],
    [['--jobs', '0'], /^--jobs must be an integer >= 1, got '0'$/],
    [['--jobs', '999'], /^--jobs 999: at most \d+ on this machine /],
    [['--exhaustive', '--faults', 'device-timeout'], /^--exhaustive enumerates fault-free worlds: --faults must be none, got 'device-timeout'$/],
  ])('refuses %j before any work, naming what is wrong', async (args, message) => {
    const out = join(dir, `bad-${args.join('')}`);
    const e = await refused([...args, '--out', out]);
    expect(e).toBeInstanceOf(BadInput);
    expect((e as Error).message).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('bad bounds from the command line: exit 2, one line on stderr, nothing on stdout, no folder', () => {
    const out = join(dir, 'bad');
    const r = svmsim(['fuzz', '--kernel', 'pre-fix', '--processes', '9', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("svmsim: --processes must be an integer from 1 to 4, got '9'\n");
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('a find on pre-fix: exit 1, the shrunk world and its schedule written; replay reproduces it', () => {
    const out = join(dir, 'find');
    const r = svmsim(['fuzz', '--kernel', 'pre-fix', '--seed', '2', '--worlds', '1', '--schedules', '60', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ kernel: 'pre-fix', seed: 2, worlds: 1, bounds: { processes: 1, steps: 6, pages: 2 } });
    const leak = s.findings.find((f: { oracle: string }) => f.oracle === 'leak');
    expect(leak).toMatchObject({ scenarioFile: join(out, 'leak.scenario.json'), scheduleFile: join(out, 'leak.json') });
    expect(leak.shrunk.steps).toBeLessThan(leak.found.steps);
    // The world file is a scenario `run --scenario` takes; the summary is what was printed.
    const world = parseScenario(JSON.parse(readFileSync(leak.scenarioFile, 'utf8')), leak.scenarioFile);
    expect(world.processes.flatMap((p) => p.steps).length).toBe(leak.shrunk.steps);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).findings).toEqual(s.findings);

    const replayed = svmsim(['replay', leak.scheduleFile]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(/reproduced: \[leak\] fired again/);
  });

  it.each([[[]], [['--jobs', '2']]])('SIGTERM mid-run (%j): exit 143 after the current world(s), and summary.json says how far it got (interrupted, not complete)', async (jobs: string[]) => {
    const out = join(dir, `term${jobs.join('')}`);
    // 92,597 worlds: most of an hour; the summary is first written after the first world (batch).
    const r = await signalled(['fuzz', '--kernel', 'fixed', '--exhaustive', '--steps', '5', '--pages', '1', ...jobs, '--out', out], 'SIGTERM', join(out, 'summary.json'));
    expect(r.code).toBe(143);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s).toMatchObject({ mode: 'exhaustive', interrupted: true, complete: false, total: 92597, findings: [] });
    expect(s.worlds).toBeGreaterThan(0);
    expect(s.worlds).toBeLessThan(92597);
    expect(r.stdout).toMatch(/no violation found in \d+ of the 92597 worlds .*no statement about the bounds/);
  });
});

