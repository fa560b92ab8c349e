// `run --live` and `run --free --live` as a user runs them: the address printed, the page served,
// a clean exit on Ctrl-C (the server and its feed in process: test/views/live.test.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { svmsim } from './cli.ts';
import { startLive } from '../../src/cli/live-option.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { variantByName } from '../../src/variants/variants.ts';

const BIN = fileURLToPath(new URL('../../bin/svmsim.js', import.meta.url));

/** Start the CLI; resolve the live URL once printed; `exit` resolves with the exit code. */
function start(args: string[]) {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  p.stdout.on('data', (d) => (stdout += String(d)));
  const url = new Promise<string>((ok, fail) => {
    p.stderr.on('data', (d) => {
      stderr += String(d);
      const m = /live: open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr);
      if (m) ok(m[1]!);
    });
    p.on('exit', () => fail(new Error(`exited before serving: ${stderr}`)));
  });
  const exit = new Promise<number | null>((ok) => p.on('exit', (c) => ok(c)));
  return { p, url, exit, out: () => stdout, err: () => stderr };
}

describe('run --live', () => {
  it('controlled: prints the address, serves the run with its verdict, and exits on Ctrl-C with the run\'s code', async () => {
    const r = start(['run', '--kernel', 'pre-fix', '--transport', 'inline', '--live']);
    const url = await r.url;
    await expect.poll(() => r.err(), { timeout: 20_000 }).toContain('live: the run is over');
    const html = await (await fetch(url)).text();
    expect(html).toContain('1 violation');
    expect(html).toContain('<title>svmsim · exit-with-mmap on pre-fix</title>');
    r.p.kill('SIGINT');
    expect(await r.exit).toBe(1);
    expect(r.out()).toContain('kmemleak');
  }, 60_000);

  it('free-running on the worker threads: the same, exit 0 for the fixed kernel', async () => {
    const r = start(['run', '--free', '--kernel', 'fixed', '--live']);
    const url = await r.url;
    await expect.poll(() => r.err(), { timeout: 40_000 }).toContain('live: the run is over');
    const html = await (await fetch(url)).text();
    expect(html).toContain('OK — no oracle fired');
    expect(html).toContain('strategy <b>free</b>');
    r.p.kill('SIGINT');
    expect(await r.exit).toBe(0);
  }, 90_000);

  it('shows one run: not with --repeat; --live-wait needs --live (exit 2)', () => {
    const r = svmsim(['run', '--free', '--repeat', '2', '--live']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--live show one run: not with --repeat/);
    const w = svmsim(['run', '--transport', 'inline', '--live-wait']);
    expect(w.code).toBe(2);
    expect(w.stderr).toBe('svmsim: --live-wait needs --live\n');
  });
});

// `run --live --live-wait` stopped by a signal before any browser came (issue 29 F12): the wait
// ends with the run's abort, so the run command sets 130/143/129; a wait left pending ended the
// process as Node's 13 ("unsettled top-level await").
describe('run --live --live-wait', () => {
  it('an abort while it waits for a browser ends the wait: it rejects (without the fix it never settles)', async () => {
    const abort = new AbortController();
    const world = buildWorld(loadScenario('exit-with-mmap'), variantByName('fixed'));
    let waits!: () => void;
    const waiting = new Promise<void>((ok) => (waits = ok));
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (String(chunk).includes('waiting for a browser') && waits(), true));
    try {
      const started = startLive(true, { scenario: 'exit-with-mmap', kernel: 'fixed', world }, abort.signal, true);
      await waiting;
      abort.abort();
      await expect(started).rejects.toThrow(/interrupted while waiting for a browser/);
    } finally {
      spy.mockRestore();
    }
  });
});
