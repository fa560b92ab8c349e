// Run the CLI as a user would: `node bin/svmsim.js ...`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { expect } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/svmsim.js', import.meta.url));

export function svmsim(args: string[], opts: { cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: opts.cwd, timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start the CLI, and signal it once `found` exists (a find written as found: the run is past its
 * start and its handlers are installed; at most 50 s, since on a loaded machine node, tsx and the
 * job threads take seconds to start), or at once if it exited. Resolves with its exit code. */
export async function signalled(args: string[], signal: NodeJS.Signals, found: string) {
  const child = spawn(process.execPath, [BIN, ...args]);
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  child.on('exit', () => (exited = true));
  for (let t = 0; t < 50_000 && !exited && !existsSync(found); t += 100) await new Promise((ok) => setTimeout(ok, 100));
  child.kill(signal);
  const code = await new Promise<number | null>((ok) => (exited ? ok(child.exitCode) : child.on('exit', ok)));
  return { code, stdout, stderr };
}

/** Parse `svmsim COMMAND ARGS` in this process with the command's own `register`: the error it
 * throws (undefined: it ran). Bad input is refused before any work, so most checks need no spawn. */
export async function refusedBy(register: (p: Command) => void, command: string, args: string[]): Promise<unknown> {
  const program = new Command('svmsim').exitOverride();
  register(program);
  try {
    await program.parseAsync(['node', 'svmsim', command, ...args]);
  } catch (e) {
    return e;
  }
  return undefined;
}

/** `svmsim ARGS` to its end without blocking the others (tests run them side by side); a command
 * that should have refused at once and did not (a worker runs until stopped) is killed at `capMs`. */
export function svmsimAsync(args: string[], started?: (p: ChildProcess) => void, capMs = 45_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started?.(p);
  let stdout = '';
  let stderr = '';
  p.stdout!.on('data', (d) => (stdout += d));
  p.stderr!.on('data', (d) => (stderr += d));
  const cap = setTimeout(() => p.kill('SIGKILL'), capMs);
  return new Promise((ok) => p.on('exit', (code) => (clearTimeout(cap), ok({ code, stdout, stderr }))));
}

/** Bad input: exit 2 and one line on stderr matching `message`. */
export function oneLine(r: { code: number | null; stderr: string }, message: RegExp): void {
  expect([r.code, r.stderr]).toEqual([2, expect.stringMatching(message)]);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
}
