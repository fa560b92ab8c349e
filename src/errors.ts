// Exit codes, and how the CLI reads numbers. Bad input is one line on stderr, before any work.
//   0 no oracle fired · 1 an oracle fired · 2 bad input · 70 an internal error (a stack) ·
//   74 output failed (stdout closed or full: EPIPE, ENOSPC; a file that could not be written late)
//   129 / 130 / 143 stopped by SIGHUP / SIGINT (Ctrl-C) / SIGTERM, after writing what was found.
import { BadInput } from './input.ts';

export { BadInput };
export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 70;
export const EXIT_OUTPUT = 74;
/** 128 + the signal's number, as a shell reports a process the signal ended. */
export const EXIT_SIGNAL = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof EXIT_SIGNAL;

/** Parse an integer option (decimal digits only: not '', '1e3', '0x10' or ' 5') or fail with a
 * one-line error naming it. */
export function intOption(name: string, value: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new BadInput(`${name} must be an integer ${range}, got '${value}'`);
  }
  return n;
}

/** The strategies seed a 32-bit generator (scheduler/seed.ts mixSeed): a larger seed would run a
 * smaller one's schedules, so it is refused rather than taken mod 2^32. */
export const MAX_SEED = 2 ** 32 - 1;
export const seedOption = (value: string): number => intOption('--seed', value, 0, MAX_SEED);

export function oneOf<T extends string>(name: string, value: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(value)) throw new BadInput(`unknown ${name} '${value}' (valid: ${valid.join(', ')})`);
  return value as T;
}
