// run --report / --mermaid / --inspect, as a user runs them.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { svmsim } from './cli.ts';

const BIN = fileURLToPath(new URL('../../bin/svmsim.js', import.meta.url));

describe('svmsim run --report --mermaid', () => {
  it('writes the HTML report and the sequence diagram of the run, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-out-'));
    const r = svmsim(['run', '--kernel', 'pre-fix', '--transport', 'inline', '--report', join(dir, 'r.html'), '--mermaid', join(dir, 'r.mmd')]);
    expect(r.code).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['r.html', 'r.mmd']);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toMatch(/exit-with-mmap/);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
    const mmd = readFileSync(join(dir, 'r.mmd'), 'utf8');
    expect(mmd.startsWith('sequenceDiagram')).toBe(true);
    expect(mmd).toMatch(/process_1->>mm_1: \d+ mmput/);
  });
  it('a report that cannot be written is one line on stderr and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-out-'));
    const r = svmsim(['run', '--transport', 'inline', '--report', join(BIN, 'r.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^svmsim: --report .*svmsim\.js\/r\.html: a file is in the way, where a folder should be \(ENOTDIR\)\n$/);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
  });
});

describe('svmsim run --inspect', () => {
  it('serves every actor\'s inspection events on a local WebSocket until Ctrl-C', async () => {
    const p = spawn(process.execPath, [BIN, 'run', '--kernel', 'fixed', '--transport', 'inline', '--inspect'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += String(d)));
    const url = await new Promise<string>((res, rej) => {
      const iv = setInterval(() => {
        const m = err.match(/raw events: (ws:\/\/127\.0\.0\.1:\d+)/);
        if (m) (clearInterval(iv), res(m[1]!));
      }, 50);
      p.on('exit', () => (clearInterval(iv), rej(new Error(`exited: ${err}`))));
    });
    const ws = new WebSocket(url);
    const actors = new Set<string>();
    const types = new Set<string>();
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; sessionId?: string };
      types.add(m.type);
      if (m.type === '@xstate.actor') actors.add(String(m.sessionId));
    });
    // The run is over once it says so; a late viewer still gets every event (9 actors: process,
    // mm, file, svm, iommu, prq, srcu, dma and the vma).
    await new Promise<void>((res) => {
      const iv = setInterval(() => /the run is over/.test(err) && actors.size === 9 && (clearInterval(iv), res()), 50);
    });
    ws.close();
    p.kill('SIGINT');
    const code = await new Promise((r) => p.on('exit', (c) => r(c)));
    expect(actors.size).toBe(9);
    expect([...types].sort()).toEqual(['@xstate.actor', '@xstate.event', '@xstate.snapshot']);
    expect(code).toBe(0);
  }, 30_000);
});

describe('explore and replay --report', () => {
  it('explore reports its first counterexample; replay of that file reports the same run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-exp-'));
    const e = svmsim(['explore', '--kernel', 'fixed-no-release-flush', '--strategy', 'pct', '--schedules', '40', '--stop-on-first', '--transport', 'inline', '--out', dir, '--report', join(dir, 'first.html')]);
    expect(e.code).toBe(1);
    const html = readFileSync(join(dir, 'first.html'), 'utf8');
    expect(html).toMatch(/dma-freed/);
    const r = svmsim(['replay', join(dir, 'dma-freed.json'), '--report', join(dir, 'again.html')]);
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toMatch(/dma-freed/);
  }, 60_000);
});
