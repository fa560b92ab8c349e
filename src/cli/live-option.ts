// `run --live`: the live trace viewer as a run's output. Started before the run (its banner names
// the address), fed every delivery, told the verdict at the end, then served until Ctrl-C.
import type { SimResult } from '../simulate.ts';
import { untilInterrupted } from '../views/interrupt.ts';
import type { LiveViewOptions } from '../views/live.ts';
import type { TraceEvent } from '../runtime/types.ts';

export interface LiveOutput {
  /** For the run's onStep (undefined without --live). */
  onStep?: (ev: TraceEvent) => void;
  /** Publish the verdict and serve until Ctrl-C (at once without --live). */
  finish(r: SimResult, signal?: AbortSignal): Promise<void>;
}

/** `signal` (the run's Ctrl-C) also closes the server mid-run, so the process can end. With
 * `wait`, the run starts once a browser has opened the page (so it sees every delivery arrive). */
export async function startLive(on: boolean | undefined, input: LiveViewOptions['input'], signal?: AbortSignal, wait = false): Promise<LiveOutput> {
  if (!on) return { finish: async () => {} };
  // The live view's server (ws) loads only for --live.
  const { startLiveView } = await import('../views/live.ts');
  const live = await startLiveView({ input });
  signal?.addEventListener('abort', () => void live.stop(), { once: true });
  process.stderr.write(`${live.banner}\n`);
  if (wait) {
    process.stderr.write('live: waiting for a browser to open the page before the run starts\n');
    // A signal while waiting ends the wait (the run's handler sets the exit code): the server
    // closes on it, and a wait left pending would end the process as Node's 13 (F12 of issue 29).
    await Promise.race([live.firstViewer(), rejectOnAbort(signal)]);
  }
  return {
    onStep: (ev) => live.step(ev),
    async finish(r, signal) {
      live.done(r.trace, r.violations);
      process.stderr.write(`live: the run is over; still serving ${live.url} until Ctrl-C\n`);
      await untilInterrupted(signal);
      await live.stop();
    },
  };
}

/** Rejects when `signal` aborts (never settles without one). */
function rejectOnAbort(signal?: AbortSignal): Promise<never> {
  return new Promise<never>((_, fail) => {
    const abort = () => fail(new Error('live: interrupted while waiting for a browser'));
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}
