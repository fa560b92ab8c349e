// Which strategy ran one schedule, with what parameters: a portfolio's member, or a guided
// search's fresh run or mutant. A schedule file records it (replay follows the choices; this says
// how they were made, and for a portfolio member is enough to make them again).
import type { ExploringStrategy } from './exploring.ts';

export interface MemberRecord {
  /** The strategy that made the choices: random, pct, delay, probabilistic, or mutant (guided). */
  strategy: string;
  seed: number;
  /** pct: the bug depth; delay: the number of delays; both: k, the steps they are drawn from. */
  depth?: number;
  delays?: number;
  steps?: number;
  /** probabilistic: the chance of a uniform step at each step with a choice. */
  p?: number;
  /** guided: the corpus entry (its schedule number) a mutant was made from, and how. */
  parent?: number;
  mutation?: string;
}

/** A strategy that runs each schedule with one of several strategies, and says which. */
export interface Composite extends ExploringStrategy {
  /** The member that ran the last schedule begun. */
  member(): MemberRecord;
}

/** `pct d=3`, `delay b=1`, `random`, `mutant of #12 (swap 41)`. */
export function memberText(m: MemberRecord): string {
  if (m.strategy === 'pct') return `pct d=${m.depth}`;
  if (m.strategy === 'delay') return `delay b=${m.delays}`;
  if (m.strategy === 'probabilistic') return `probabilistic p=${m.p}`;
  if (m.parent !== undefined) return `mutant of #${m.parent} (${m.mutation})`;
  return m.strategy;
}

export const isComposite = (s: ExploringStrategy): s is Composite => typeof (s as Partial<Composite>).member === 'function';
