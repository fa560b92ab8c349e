// The live view: its server and WebSocket feed in process, and `run --live` / `run --free --live`
// as a user runs them (the address printed, the page served, a clean exit on Ctrl-C).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { variantByName } from '../../src/variants/variants.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { startLiveView, THROTTLE_MS } from '../../src/views/live.ts';
import { svmsim } from '../cli/cli.ts';
import { runOf } from './fixtures.ts';

const BIN = fileURLToPath(new URL('../../bin/svmsim.js', import.meta.url));

interface Update {
  data: string;
  violations: string;
  done: boolean;
}
const stepsIn = (u: Update) => (JSON.parse(u.data) as { steps: unknown[] }).steps.length;

describe('live view server', () => {
  it('sends the run so far on connect, then throttled updates as steps arrive, then the verdict; serves the page', async () => {
    const run = await runOf('pre-fix');
    const world = buildWorld(loadScenario('exit-with-mmap'), variantByName('pre-fix'));
    const live = await startLiveView({ input: { scenario: 'exit-with-mmap', kernel: 'pre-fix', world } });
    try {
      expect(live.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      for (const ev of run.trace.slice(0, 3)) live.step(ev);
      const ws = new WebSocket(`${live.url.replace('http', 'ws')}live`);
      const got: Update[] = [];
      ws.on('message', (m) => got.push(JSON.parse(m.toString()) as Update));
      await expect.poll(() => got.length).toBe(1);
      expect([stepsIn(got[0]!), got[0]!.done]).toEqual([3, false]);
      // The throttled update of those 3 steps finds the viewer up to date: nothing more is sent.
      await new Promise((r) => setTimeout(r, 2 * THROTTLE_MS));
      expect(got).toHaveLength(1);
      // 50 steps at once: one update (throttled), with all of them.
      for (const ev of run.trace.slice(3, 53)) live.step(ev);
      await expect.poll(() => got.length).toBe(2);
      expect(stepsIn(got[1]!)).toBe(53);
      await new Promise((r) => setTimeout(r, 3 * THROTTLE_MS));
      expect(got).toHaveLength(2);
      live.done(run.trace, run.violations);
      await expect.poll(() => got.length).toBe(3);
      expect([stepsIn(got[2]!), got[2]!.done]).toEqual([run.trace.length, true]);
      expect(got[2]!.violations).toContain('[leak]');
      const page = await fetch(live.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("new WebSocket('ws://' + location.host + '/live')");
      expect(html).toContain('id="live"');
      expect((await fetch(`${live.url}elsewhere`)).status).toBe(404);
      expect((await fetch(`${live.url}favicon.ico`)).status).toBe(204);
      const closed = new Promise((r) => ws.once('close', r));
      await live.stop();
      await closed;
      await expect(fetch(live.url)).rejects.toThrow();
    } finally {
      await live.stop();
    }
  });
});

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
