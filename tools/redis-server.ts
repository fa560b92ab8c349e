// A real redis-server for the distributed tests: on 127.0.0.1, on a free port, in a temp dir
// (append-only persistence on where a test restarts it), stopped by the test. Never a fixed port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

/** A port nothing listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Stop it (SIGTERM: it writes its append-only file), then start it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisTestOptions {
  appendonly?: boolean;
  password?: string;
}

function launch(port: number, dir: string, o: RedisTestOptions): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'];
  if (o.appendonly) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  if (o.password) args.push('--requirepass', o.password);
  const p = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d) => (out += d));
  p.stderr!.on('data', (d) => (out += d));
  return new Promise((ok, fail) => {
    const t0 = Date.now();
    const probe = () => {
      if (p.exitCode !== null) return fail(new Error(`redis-server exited: ${out}`));
      const c = createServer();
      // Listening once binding the port fails.
      c.once('error', () => ok(p));
      c.listen(port, '127.0.0.1', () => c.close(() => (Date.now() - t0 > 10_000 ? fail(new Error(`redis-server did not listen on ${port}: ${out}`)) : setTimeout(probe, 30))));
    };
    probe();
  });
}

const stopped = (p: ChildProcess) =>
  new Promise<void>((ok) => {
    if (p.exitCode !== null || p.signalCode !== null) return ok();
    p.once('exit', () => ok());
    p.kill('SIGTERM');
  });

export async function startRedis(o: RedisTestOptions = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'svmsim-redis-'));
  let proc = await launch(port, dir, o);
  const auth = o.password ? `:${o.password}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    dir,
    async restart() {
      await stopped(proc);
      proc = await launch(port, dir, o);
    },
    async stop() {
      await stopped(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
