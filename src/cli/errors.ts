// Exit codes: 0 no oracle fired, 1 an oracle fired, 2 bad input. Bad input is one line on stderr.
import { BadInput } from '../kernel/variants.ts';

export { BadInput };
export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_BAD_INPUT = 2;

/** Parse an integer option or fail with a one-line error naming it. */
export function intOption(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new BadInput(`${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

export function oneOf<T extends string>(name: string, value: string, valid: readonly T[]): T {
  if (!(valid as readonly string[]).includes(value)) throw new BadInput(`unknown ${name} '${value}' (valid: ${valid.join(', ')})`);
  return value as T;
}
