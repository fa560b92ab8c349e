// explore, replay and merge as a user runs them: exit codes, one-line errors, files, Ctrl-C.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MUNMAP_CLOSE_ALIVE as E } from '../expected.ts';
import { describe, expect, it } from 'vitest';
import { signalled, svmsim } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'svmsim-explore-cli-'));
const json = (s: string) => JSON.parse(s) as Record<string, any>;

// Each case starts node + tsx: seconds, more on a loaded machine.
describe('svmsim explore', { timeout: 90_000 }, () => {
  it('finds, shrinks and saves a violation: exit 1, --json as run --json', () => {
    const out = join(dir, 'flush');
    const r = svmsim(['explore', '--kernel', 'fixed-no-release-flush', '--schedules', '40', '--json', '--out', out]);
    expect(r.code).toBe(1);
    const s = json(r.stdout);
    expect(s).toMatchObject({ kernel: 'fixed-no-release-flush', scenario: 'exit-with-mmap', strategy: 'portfolio', schedules: 40 });
    expect(s.violations[0]).toMatchObject({ oracle: 'dma-freed', message: expect.stringContaining('KASAN'), file: join(out, 'dma-freed.json') });
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    const replayed = svmsim(['replay', join(out, 'dma-freed.json')]);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(/reproduced: \[dma-freed\] fired again/);
  });

  it('dfs says when the space is exhausted: exit 0 with no violation', () => {
    const r = svmsim(['explore', '--strategy', 'dfs', '--kernel', 'fixed', '--scenario', 'munmap-close-alive', '--json']);
    expect(r.code).toBe(0);
    // The stateful search by default: every state, and every one of the interleavings
    // (counted by the stateless search without reduction) passes through them.
    expect(json(r.stdout)).toMatchObject({ exhausted: true, violations: [], states: { states: E.states, transitions: E.transitions, schedulesCovered: E.schedules } });
    // Two jobs share one visited set: the states less those met above the split only, plus
    // the 230 states above it that each job walks.
    const two = svmsim(['explore', '--strategy', 'dfs', '--kernel', 'fixed', '--scenario', 'munmap-close-alive', '--jobs', '2', '--json']);
    expect(two.code).toBe(0);
    expect(json(two.stdout)).toMatchObject({ exhausted: true, jobs: 2, violations: [], states: { states: E.below + 2 * E.top, top: 2 * E.top, transitions: E.jobTransitions, schedulesCovered: E.schedules } });
    expect(json(r.stdout).states.top).toBeUndefined();
    const text = svmsim(['explore', '--strategy', 'dfs', '--kernel', 'fixed', '--scenario', 'munmap-close-alive', '--jobs', '2']);
    expect(text.stdout).toContain(`searched: ${E.below + 2 * E.top} states (${2 * E.top} of them above the split, walked by every job), ${E.jobTransitions} transitions`);
    const dpor = svmsim(['explore', '--strategy', 'dfs', '--reduction', 'dpor', '--kernel', 'fixed', '--scenario', 'munmap-close-alive', '--json']);
    expect(json(dpor.stdout)).toMatchObject({ exhausted: true, violations: [], reduction: { mode: 'dpor' } });
  });

  it('dfs prints the state graph it searched, and says when --max-steps cut runs short', () => {
    const r = svmsim(['explore', '--strategy', 'dfs', '--kernel', 'fixed', '--scenario', 'munmap-close-alive']);
    expect(r.stdout).toContain(`dfs: exhausted: every reachable state searched: ${E.states} states, ${E.transitions} transitions; every one of the ${E.schedules} schedules passes through them`);
    const capped = svmsim(['explore', '--strategy', 'dfs', '--kernel', 'fixed', '--scenario', 'munmap-close-alive', '--max-steps', '50', '--no-shrink']);
    expect(capped.code).toBe(1);
    expect(capped.stdout).toMatch(/\[stuck\].*no quiescence within 50 deliveries/);
    expect(capped.stdout).toMatch(/the step limit --max-steps 50 was reached, not necessarily a hang/);
    expect(capped.stdout).toMatch(/dfs: exhausted: every reachable state within 50 deliveries \(\d+ run\(s\) cut there\) searched/);
  });

  it.each([
    [['--schedules', '5', '--time', '3'], /^svmsim: give --schedules or --time, not both\n$/],
    [['--shard', '3/2'], /^svmsim: --shard must be k\/n with 1 <= k <= n, got '3\/2'\n$/],
    [['--strategy', 'bfs'], /^svmsim: unknown strategy 'bfs' \(valid: portfolio, guided, random, pct, delay, probabilistic, dfs\)\n$/],
    [['--preemption-bound', '1'], /^svmsim: --preemption-bound and --reduction apply to --strategy dfs\n$/],
    [['--strategy', 'dfs', '--preemption-bound', '1', '--reduction', 'dpor'], /^svmsim: --reduction dpor cannot be combined with --preemption-bound/],
    [['--strategy', 'dfs', '--preemption-bound', '1', '--reduction', 'states'], /^svmsim: --reduction states cannot be combined with --preemption-bound/],
    [['--strategy', 'dfs', '--reduction', 'bfs'], /^svmsim: unknown reduction 'bfs' \(valid: states, por, dpor, sleep, none\)\n$/],
    [['--time', '0'], /^svmsim: --time must be a number of seconds > 0, got '0'\n$/],
  ])('bad input %j: one line, exit 2', (args, message) => {
    const r = svmsim(['explore', ...args]);
    expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
  });

  it('shards merge into one summary', () => {
    const parts = [1, 2].map((k) => {
      const out = join(dir, `shard${k}`);
      const r = svmsim(['explore', '--kernel', 'pre-fix', '--strategy', 'random', '--schedules', '10', '--shard', `${k}/2`, '--out', out, '--no-shrink', '--json']);
      expect(r.code).toBe(1);
      expect(json(r.stdout).schedules).toBe(5);
      return out;
    });
    const m = svmsim(['merge', ...parts, '--json', '--out', join(dir, 'merged')]);
    expect(m.code).toBe(1);
    expect(json(m.stdout)).toMatchObject({ schedules: 10, shards: ['1/2', '2/2'], violations: [{ oracle: 'leak', count: 10, schedule: 0 }] });
    expect(existsSync(join(dir, 'merged', 'leak.json'))).toBe(true);
    const bad = svmsim(['merge', join(dir, 'nowhere')]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/^svmsim: cannot read .*nowhere\/summary\.json: ENOENT\n$/)]);
  });

  it('Ctrl-C stops cleanly and still writes what was found', async () => {
    const out = join(dir, 'sigint');
    const { code, stdout } = await signalled(['explore', '--kernel', 'pre-fix', '--strategy', 'random', '--time', '60', '--out', out, '--json'], 'SIGINT', join(out, 'leak.json'));
    expect(code).toBe(130);
    expect(json(stdout)).toMatchObject({ interrupted: true, violations: [{ oracle: 'leak' }] });
    expect(json(readFileSync(join(out, 'summary.json'), 'utf8')).interrupted).toBe(true);
    expect(existsSync(join(out, 'leak.json'))).toBe(true);
  });
});

describe('svmsim replay', { timeout: 90_000 }, () => {
  const good = () => {
    const out = join(dir, 'replay-src');
    if (!existsSync(join(out, 'leak.json'))) svmsim(['explore', '--kernel', 'pre-fix', '--schedules', '3', '--out', out]);
    return json(readFileSync(join(out, 'leak.json'), 'utf8'));
  };
  const write = (name: string, value: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
    return p;
  };

  it.each([
    ['not JSON', '{', /^svmsim: .*notjson\.json: not JSON: /],
    ['a bad field', { format: 1 }, /^svmsim: .*badfield\.json: kernel: /],
    ['a bad choice', 'choice', /^svmsim: .*badchoice\.json: choices\[0\]\.k: /],
    ['an unknown kernel', 'kernel', /^svmsim: .*badkernel\.json: kernel: unknown kernel variant 'v9'/],
  ])('a file with %s: one line, exit 2', (what, content, message) => {
    const f = good();
    const value = content === 'choice' ? { ...f, choices: [{ ch: 'a>b', k: -1, of: 1 }] } : content === 'kernel' ? { ...f, kernel: 'v9' } : content;
    const name = { 'not JSON': 'notjson', 'a bad field': 'badfield', 'a bad choice': 'badchoice', 'an unknown kernel': 'badkernel' }[what]!;
    const r = svmsim(['replay', write(`${name}.json`, value)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a file that no longer reproduces names the step where it diverged', () => {
    const f = good();
    const choices = f.choices.map((c: { ch: string }, i: number) => (i === 7 ? { ...c, ch: 'svm>nobody' } : c));
    const r = svmsim(['replay', write('stale.json', { ...f, choices })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^svmsim: .*stale\.json no longer reproduces: diverged at step 7: the recorded channel svm>nobody is not deliverable \(deliverable: .+\) \(choice 8 of \d+\)\n$/);
  });

  it('replays on the workers transport too, with --json', () => {
    good();
    const r = svmsim(['replay', join(dir, 'replay-src', 'leak.json'), '--transport', 'workers', '--json']);
    expect(r.code).toBe(1);
    expect(json(r.stdout)).toMatchObject({ reproduced: true, transport: 'workers', violations: [{ oracle: 'leak' }] });
  });
});
