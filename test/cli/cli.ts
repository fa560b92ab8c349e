// Run the CLI as a user would: `node bin/svmsim.js ...`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

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
