// The one seam every ordering decision passes through (shuttle's Scheduler, Coyote's strategy,
// fast-check's task selector). A strategy sees the deliverable messages, in seq order, and picks one.
import type { Message } from './types.ts';

export interface Strategy {
  readonly name: string;
  /** Called before each schedule; the seed makes the schedule reproducible. */
  beginRun(seed: number): void;
  /** Index into `enabled` (never empty, ordered by seq) of the message to deliver next. */
  pick(enabled: readonly Message[], step: number): number;
}
