// `run --live` and `run --free --live` as a user runs them: the address printed, the page served,
// a clean exit on Ctrl-C (the server and its feed in process: test/views/live.test.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { svmsim } from './cli.ts';

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
