// One worker thread, started through src/runtime/threads/entry.js (which registers tsx, so the .ts worker
// runs as it is from the CLI and under vitest), wrapped with comlink over a guarded endpoint.
// It fails, never hangs: its exit, an uncaught error and the watchdog each reject its calls.
import * as Comlink from 'comlink';
import { Worker } from 'node:worker_threads';
import { guardedEndpoint, WorkerGone, type GuardedEndpoint } from './endpoint.ts';

export const ENTRY = new URL('./entry.js', import.meta.url);

/** How long a call may stay unanswered before the watchdog calls its worker silent. Every call
 * is one delivery or a reset, microseconds of work; ten seconds means the thread is stuck. */
export const DEFAULT_WATCHDOG_MS = 10_000;
/** How long a worker may take to load (tsx compiles its modules: seconds on a busy machine). */
export const STARTUP_MS = 60_000;

export interface Spawned<T> {
  name: string;
  worker: Worker;
  api: Comlink.Remote<T>;
  endpoint: GuardedEndpoint;
  /** Resolves once the module has loaded and exposed its API. */
  ready: Promise<void>;
  /** Terminate the thread; calls in flight reject with `reason`. */
  close(reason?: Error): Promise<void>;
}

export interface SpawnOptions {
  watchdogMs?: number;
  /** Called once if the worker exits, dies or goes silent before close(). */
  onGone?: (err: WorkerGone) => void;
}

export function spawnWorker<T>(name: string, workerData: { module: string }, opts: SpawnOptions = {}): Spawned<T> {
  const watchdogMs = opts.watchdogMs ?? DEFAULT_WATCHDOG_MS;
  const worker = new Worker(ENTRY, { workerData, name: `svmsim:${name}` });
  const endpoint = guardedEndpoint(worker);
  const api = Comlink.wrap<T>(endpoint);
  let closing = false;
  let readyNow = false;
  const gone = (err: WorkerGone) => {
    if (closing || endpoint.failure) return;
    endpoint.fail(err);
    opts.onGone?.(err);
  };

  const ready = new Promise<void>((resolve, reject) => {
    const onReady = (m: unknown) => {
      if ((m as { ready?: boolean } | null)?.ready) {
        worker.off('message', onReady);
        readyNow = true;
        resolve();
      }
    };
    worker.on('message', onReady);
    worker.once('exit', () => reject(endpoint.failure ?? new WorkerGone(name, `worker ${name} exited before it was ready`)));
  });
  ready.catch(() => {}); // the caller awaits it; an early close must not be an unhandled rejection

  worker.on('error', (e: Error) => gone(new WorkerGone(name, `worker ${name} died of an uncaught ${e.name}: ${e.message}`, e.stack)));
  worker.on('exit', (code: number) => {
    clearInterval(watchdog);
    gone(new WorkerGone(name, `worker ${name} exited with code ${code}`));
  });

  // The watchdog: a call unanswered for watchdogMs means a thread that spins or is wedged;
  // terminate it (the only way to stop a spinning thread) and fail its calls.
  const spawned = performance.now();
  const silent = (why: string) => {
    gone(new WorkerGone(name, `worker ${name} silent: ${why} (watchdog)`));
    void worker.terminate();
  };
  const tick = Math.max(10, Math.min(1000, watchdogMs / 4));
  const watchdog = setInterval(() => {
    const now = performance.now();
    if (!readyNow) return void (now - spawned > STARTUP_MS && silent(`not started within ${STARTUP_MS} ms`));
    for (const t of endpoint.inFlight.values()) if (now - t > watchdogMs) return silent(`no answer within ${watchdogMs} ms`);
  }, tick);
  watchdog.unref();

  return {
    name,
    worker,
    api,
    endpoint,
    ready,
    async close(reason) {
      closing = true;
      clearInterval(watchdog);
      endpoint.fail(reason ?? new WorkerGone(name, `worker ${name} closed`));
      await worker.terminate();
    },
  };
}
