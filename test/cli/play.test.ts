// `svmsim play` as a user starts it: bad input is one line and exit 2 before any server starts.
// (The page, the server and a played leak in Chromium: test/cli/play-browser.test.ts.)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, svmsim } from './cli.ts';
import { simulate } from '../../src/simulate.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { memoTransport } from '../../src/engine/memo.ts';

describe('svmsim play', () => {
  it('an unknown kernel, or a --from file that is not a schedule, is exit 2 with one line', () => {
    const k = svmsim(['play', '--kernel', 'nope', '--no-open']);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/^svmsim: unknown kernel variant 'nope' \(valid: .*\)\n$/);
    const f = svmsim(['play', '--from', 'package.json', '--no-open']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^svmsim: package\.json: .*\n$/);
    expect(f.stdout + k.stdout).not.toContain('play: open');
  });

  it('prints its address, and SIGTERM writes the history played so far to --out (exit 143)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'svmsim-play-cli-')), 'h.json');
    const p = spawn(process.execPath, [BIN, 'play', '--kernel', 'pre-fix', '--port', '0', '--no-open', '--out', out]);
    let err = '';
    const url = await new Promise<string>((ok, fail) => {
      p.stderr.on('data', (d) => {
        err += String(d);
        const m = /play: open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
        if (m) ok(m[1]!);
      });
      p.on('exit', () => fail(new Error(err)));
    });
    const r = await fetch(url + 'action', { method: 'POST', body: JSON.stringify({ op: 'run', strategy: 'fifo' }) });
    expect(r.ok).toBe(true);
    await fetch(url + 'action', { method: 'POST', body: JSON.stringify({ op: 'go', to: 40 }) });
    const code = new Promise<number | null>((ok) => p.on('exit', (c) => ok(c)));
    p.kill('SIGTERM');
    expect(await code).toBe(143);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { choices: unknown[]; violation: { oracle: string }; strategy: string };
    // The whole history, redo included: fifo's run of exit-with-mmap on pre-fix, and its leak.
    const run = await simulate({ scenario: loadScenario('exit-with-mmap'), variant: variantByName('pre-fix'), strategy: fifo(), transport: memoTransport() });
    expect(saved.choices.length).toBe(run.choices.length);
    expect(saved.violation.oracle).toBe('leak');
    expect(err).toContain(`play: SIGTERM: wrote the history (${run.choices.length} choices, [leak] at step ${run.trace.length}) to ${out}`);
  }, 60_000);
});
