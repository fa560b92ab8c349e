// A guided search's mutations of a recorded schedule, as lists of choices to follow (./guided.ts),
// each made near a step `at` (where the schedule first reached something new):
//   swap   two adjacent deliveries to different actors change places (the smallest reordering
//          that can change an outcome: deliveries to one actor keep their relative order);
//   move   a change point (a preemption: the running thread had a message deliverable and another
//          thread went) moves a few steps earlier or later: the stretch of the thread switched to
//          starts that much sooner or later;
//   cut    the schedule up to `at` only: what follows is decided afresh (a walk from the frontier).
// (Flipping a fault choice joins them once scenarios have faults.)
import type { Choice } from '../runtime/run.ts';

/** One step of a recorded run: the choice, the receiver, the thread, and whether it preempted. */
export interface Step {
  ch: string;
  k: number;
  to: string;
  link: string;
  preempt: boolean;
}

export type Followed = Pick<Choice, 'ch' | 'k'>;

export interface Mutant {
  choices: Followed[];
  /** What was done, for the schedule file: `swap 41`, `move 85 -2`. */
  mutation: string;
}

const choicesOf = (steps: readonly Step[]): Followed[] => steps.map(({ ch, k }) => ({ ch, k }));

/** Steps j where j and j+1 go to different actors. */
export const swappable = (steps: readonly Step[]): number[] => steps.flatMap((s, j) => (j + 1 < steps.length && s.to !== steps[j + 1]!.to ? [j] : []));

/** The steps that preempted the running thread. */
export const changePoints = (steps: readonly Step[]): number[] => steps.flatMap((s, j) => (s.preempt ? [j] : []));

/** The candidate nearest to `at` (the earlier on a tie), or undefined if there is none. */
export const nearest = (candidates: readonly number[], at: number): number | undefined =>
  candidates.reduce<number | undefined>((best, j) => (best === undefined || Math.abs(j - at) < Math.abs(best - at) ? j : best), undefined);

export function cut(steps: readonly Step[], at: number): Mutant {
  return { choices: choicesOf(steps.slice(0, at)), mutation: `cut ${at}` };
}

export function swap(steps: readonly Step[], j: number): Mutant {
  const c = choicesOf(steps);
  [c[j], c[j + 1]] = [c[j + 1]!, c[j]!];
  return { choices: c, mutation: `swap ${j}` };
}

/** The stretch of one thread that starts at step j moves by `by` steps (clamped to the run). */
export function move(steps: readonly Step[], j: number, by: number): Mutant {
  const c = choicesOf(steps);
  let end = j + 1;
  while (end < steps.length && steps[end]!.link === steps[j]!.link) end++;
  const block = c.slice(j, end);
  const rest = [...c.slice(0, j), ...c.slice(end)];
  const at = Math.max(0, Math.min(rest.length, j + by));
  return { choices: [...rest.slice(0, at), ...block, ...rest.slice(at)], mutation: `move ${j} ${by > 0 ? '+' : ''}${at - j}` };
}
