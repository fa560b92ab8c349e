// `svmsim run` on the workers transport, as a user runs it: the default transport, --free,
// --jitter, --repeat, bad input, Ctrl-C, and processes that end by themselves after a failure.
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SLOW } from '../runtime/helpers.ts';

const BIN = fileURLToPath(new URL('../../bin/svmsim.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../runtime/fixtures/fail-then-exit.ts', import.meta.url));

/** Runs to its end (a hang fails the test at the timeout); a non-zero exit is a result, not a throw. */
async function node(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, args, { timeout: SLOW, maxBuffer: 64 << 20 });
    return { code: 0, ...r };
  } catch (e) {
    const x = e as { code: number | null; stdout: string; stderr: string; killed?: boolean };
    if (x.killed) throw new Error(`${args.join(' ')}: did not end within ${SLOW} ms`);
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
const svmsim = (...args: string[]) => node([BIN, ...args]);

describe('svmsim run --free: bad input is one line and exit code 2', () => {
  it.concurrent.each([
    [['--jitter', '50'], '--jitter needs --free'],
    [['--free', '--transport', 'inline'], '--free needs --transport workers'],
    [['--free', '--strategy', 'random'], '--strategy has no effect with --free: the threads pick the order'],
    [['--free', '--repeat', '0'], "--repeat must be an integer >= 1, got '0'"],
  ])('%j', async (args, message) => {
    const r = await svmsim('run', ...args);
    expect(r.stderr).toBe(`svmsim: ${message}\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  }, SLOW);
});

describe.concurrent('svmsim run on worker threads', () => {
  it('runs on workers by default, with the trace of the inline transport', async () => {
    const [w, i] = await Promise.all([svmsim('run', '--kernel', 'pre-fix', '--json'), svmsim('run', '--kernel', 'pre-fix', '--json', '--transport', 'inline')]);
    expect([w.code, i.code]).toEqual([1, 1]);
    const { transport: tw, ...workers } = JSON.parse(w.stdout);
    const { transport: ti, ...inline } = JSON.parse(i.stdout);
    expect([tw, ti]).toEqual(['workers', 'inline']);
    expect(workers).toEqual(inline);
  }, SLOW);

  it('--free --repeat counts the orderings and verdicts of N free runs', async () => {
    const r = await svmsim('run', '--free', '--repeat', '4', '--jitter', '100', '--kernel', 'pre-fix', '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ kernel: 'pre-fix', scenario: 'exit-with-mmap', strategy: 'free', jitter: 100, transport: 'workers', runs: 4 });
    expect(out.orderings).toBeGreaterThanOrEqual(1);
    expect(out.orderings).toBeLessThanOrEqual(4);
    // pre-fix leaks in every order: one verdict, all four runs, seeds 0..3.
    expect(out.verdicts).toHaveLength(1);
    expect(out.verdicts[0]).toMatchObject({ oracles: 'leak', runs: 4, orderings: out.orderings, seeds: [0, 1, 2, 3] });
    expect(out.verdicts[0].messages[0]).toMatch(/^kmemleak: /);
  }, SLOW);

  it('--free prints the timeline with the thread and Lamport clock of each delivery', async () => {
    const r = await svmsim('run', '--free', '--kernel', 'fixed', '--seed', '7');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^svmsim run: exit-with-mmap on fixed \(free-running, jitter 0 µs, seed 7, workers\)\n/);
    expect(r.stdout).toMatch(/process#1 → file#1 +open +\[open\.idle\] @file:\d+/);
    expect(r.stdout).toContain('OK');
  }, SLOW);

  it('Ctrl-C ends every thread and exits 130', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '--free', '--repeat', '1000000']);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const ended = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    // The header is printed once the threads are up and the runs begin.
    await new Promise<void>((res) => child.stdout.on('data', (d) => (stdout += d).includes('seeds 0..999999') && res()));
    child.kill('SIGINT');
    expect(await ended).toBe(130);
    expect(stderr).toBe('svmsim: interrupted\n');
  }, SLOW);

  it('a process whose runs failed (a machine crash, a worker exit) ends by itself', async () => {
    const r = await node(['--import', 'tsx', FIXTURE]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      'controlled: actor process#1 crashed on ret.handle_mm_fault: Error: no syscall for step bogus\n' +
        'free: actor mm#1 crashed on mmput: worker mm exited with code 3\n',
    );
    expect(r.code).toBe(0);
  }, SLOW);
});
