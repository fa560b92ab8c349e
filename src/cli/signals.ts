// Ctrl-C (SIGINT), SIGTERM (timeout, CI, batch systems) and SIGHUP (a closed terminal) all stop an
// exploration the same way: after the current schedule, with everything found written, and the
// exit code 128 + the signal's number (130, 143, 129). A second signal quits at once, with it.
import { EXIT_SIGNAL, type StopSignal } from '../errors.ts';

export interface Stopper {
  /** The first signal received, if any. */
  readonly signal: StopSignal | undefined;
  /** Called on the first signal, or now if it came already. */
  onStop(f: () => void): void;
  dispose(): void;
}

const SIGNALS = Object.keys(EXIT_SIGNAL) as StopSignal[];

export function stopOnSignals(what = 'stopping after the current schedule'): Stopper {
  let signal: StopSignal | undefined;
  const stops: (() => void)[] = [];
  const handler = (s: StopSignal) => {
    if (signal) process.exit(EXIT_SIGNAL[s]);
    signal = s;
    for (const f of stops) f();
    process.stderr.write(`\nsvmsim: ${s}: ${what} (a second signal quits at once)\n`);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    get signal() {
      return signal;
    },
    onStop: (f) => (signal ? f() : void stops.push(f)),
    dispose: () => SIGNALS.forEach((s) => process.off(s, handler)),
  };
}
