// guided: coverage-guided search, after P's feedback-guided scheduling (P's `--sch-coverage`;
// for PCT, "feedback-guided PCT": keep the schedules that reach new coverage, mutate them) and
// the fuzzers it borrows from (AFL's corpus and energy). Every run's trace is read for features
// (./features.ts: actor states seen together, (state, event) pairs, objects' fates, end states); a
// run that reached one never seen before joins the corpus, ranked by how many it reached, with the
// steps where it reached them (its frontier). Half of the schedules after a warm-up are mutants: a
// corpus entry, chosen with a chance proportional to its novelty over the times it was chosen
// already, mutated near its frontier (./mutate.ts: cut there and walk on, swap two adjacent
// deliveries to different actors, or move a change point) and followed as far as it goes, a
// seeded random walk deciding where it does not. The other half, and the warm-up (one turn of
// the rotation, 12 schedules), are the portfolio's own schedules (./portfolio.ts), so what no
// feedback can help with early is found as soon as the portfolio finds it: mutants made from a
// corpus of a few runs did worse than the walk (docs/results/benchmarks.md, The hunt).
//
// Deterministic: schedule n's choices are a function of the seed and of schedules 0 … n−1 of the
// same job (each job of `--jobs` keeps its own corpus). A mutant is not made again from its seed
// alone; its schedule file names the parent and the mutation, and replays from its choices.
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { channelOf, linkOf, type Message, type TraceEvent } from '../runtime/types.ts';
import { RunFeatures } from './features.ts';
import type { Composite, MemberRecord } from './member.ts';
import { changePoints, cut, move, nearest, swap, swappable, type Followed, type Mutant, type Step } from './mutate.ts';
import { memberOf, memberStrategy, ROTATION } from './portfolio.ts';
import { isPreemption } from './preemption.ts';
import { random } from './random.ts';
import { indexOfChoice } from './replay.ts';
import { mixSeed } from './seed.ts';
import type { Strategy } from '../runtime/strategy.ts';

export interface GuidedOptions {
  /** The seed of schedule 0: schedule n is the run with seed first + n. */
  first: number;
  /** k: a run's expected length (for the portfolio's pct and delay members). */
  steps: number;
}

/** Schedules before the first mutant: one turn of the portfolio's rotation. */
export const WARMUP = ROTATION.length;
/** How far ahead a mutant looks for its next recorded choice when the one due is not deliverable. */
const WINDOW = 6;
/** Corpus entries kept (the least novel go first). */
const CORPUS_MAX = 2000;

interface Entry {
  schedule: number;
  steps: Step[];
  novelty: number;
  /** The steps at which it first reached something new: where its mutations are made. */
  frontier: number[];
  picks: number;
}

export interface GuidedStats {
  corpus: number;
  features: number;
  mutants: number;
}

/** The corpus and what it has seen: which entry to mutate next, and what counts as new. */
class Corpus {
  readonly entries: Entry[] = [];
  readonly features = new Set<number>();

  /** Adds a run's features (each with the step that reached it); the run joins if any was new. */
  offer(schedule: number, steps: Step[], features: Map<number, number>): number {
    let novelty = 0;
    const frontier = new Set<number>();
    for (const [f, at] of features) {
      if (this.features.has(f)) continue;
      this.features.add(f);
      novelty++;
      frontier.add(at);
    }
    if (novelty > 0) this.entries.push({ schedule, steps, novelty, frontier: [...frontier].sort((a, b) => a - b), picks: 0 });
    if (this.entries.length > CORPUS_MAX) {
      const least = this.entries.reduce((lo, e, i) => (e.novelty < this.entries[lo]!.novelty ? i : lo), 0);
      this.entries.splice(least, 1);
    }
    return novelty;
  }

  /** An entry, with chance ∝ novelty / (1 + picks). */
  choose(rng: ReturnType<typeof xoroshiro128plus>): Entry {
    const w = this.entries.map((e) => e.novelty / (1 + e.picks));
    let x = (uniformInt(rng, 0, 0x3fffffff) / 0x40000000) * w.reduce((a, b) => a + b, 0);
    let i = 0;
    while (i < w.length - 1 && (x -= w[i]!) >= 0) i++;
    this.entries[i]!.picks++;
    return this.entries[i]!;
  }
}

/** A mutant of `e` near one of its frontier steps (0–3 steps before it): cut there, the nearest
 * adjacent pair on different actors swapped, or the nearest change point moved 1–4 steps. */
function mutate(e: Entry, rng: ReturnType<typeof xoroshiro128plus>): Mutant | null {
  if (!e.steps.length) return null;
  const at = Math.max(0, e.frontier[uniformInt(rng, 0, e.frontier.length - 1)]! - uniformInt(rng, 0, 3));
  const op = uniformInt(rng, 0, 2);
  const j = op === 1 ? nearest(swappable(e.steps), at) : op === 2 ? nearest(changePoints(e.steps), at) : undefined;
  if (op === 1 && j !== undefined) return swap(e.steps, j);
  if (op === 2 && j !== undefined) return move(e.steps, j, uniformInt(rng, 1, 4) * (uniformInt(rng, 0, 1) ? 1 : -1));
  return cut(e.steps, at);
}

/** Follows `choices` in order, looking up to WINDOW ahead for one that is deliverable; when none
 * is, the walk decides and the oldest recorded choice is dropped. */
function follow(choices: Followed[], then: Strategy): Strategy {
  return {
    name: 'mutant',
    beginRun: (seed) => then.beginRun(seed),
    pick(enabled, step) {
      for (let j = 0; j < Math.min(choices.length, WINDOW); j++) {
        const i = indexOfChoice(enabled, choices[j]!);
        if (i < 0) continue;
        choices.splice(j, 1);
        return i;
      }
      choices.shift();
      return then.pick(enabled, step);
    },
  };
}

export function guided(o: GuidedOptions): Composite & { stats(): GuidedStats } {
  const members = ROTATION.map((m) => memberStrategy(m, o.steps));
  const corpus = new Corpus();
  let current: Strategy = members[0]!;
  let record: MemberRecord = { ...memberOf(0, o.steps), seed: o.first };
  let schedule = 0;
  let run: { steps: Step[]; features: RunFeatures } | null = null;
  let lastStep: number | null = null;
  let mutants = 0;
  /** Runs begun by this instance: every other one after the warm-up is a mutant (counted here, not
   * by schedule number, so that each job of --jobs, which gets every j-th number, mutates too). */
  let runs = 0;

  const finish = () => {
    if (!run) return;
    corpus.offer(schedule, run.steps, run.features.end());
    run = null;
  };
  const recordStep = (enabled: readonly Message[], i: number) => {
    const m = enabled[i]!;
    const ch = channelOf(m);
    let k = 0;
    for (let j = 0; j < i; j++) if (channelOf(enabled[j]!) === ch) k++;
    run!.steps.push({ ch, k, to: m.to, link: linkOf(m), preempt: isPreemption(enabled, m, lastStep) });
  };

  return {
    name: 'guided',
    beginRun(seed) {
      finish();
      schedule = (seed - o.first) >>> 0;
      run = { steps: [], features: new RunFeatures() };
      lastStep = null;
      const rng = xoroshiro128plus(mixSeed(seed) ^ 0x9e3779b9);
      const mine = runs++;
      const parent = schedule >= WARMUP && mine % 2 === 1 && corpus.entries.length ? corpus.choose(rng) : null;
      const mutant = parent && mutate(parent, rng);
      if (parent && mutant) {
        mutants++;
        current = follow(mutant.choices, random());
        record = { strategy: 'mutant', seed, parent: parent.schedule, mutation: mutant.mutation };
      } else {
        current = members[schedule % members.length]!;
        record = { ...memberOf(schedule, o.steps), seed };
      }
      current.beginRun(seed);
    },
    pick(enabled, step) {
      const i = current.pick(enabled, step);
      if (run) recordStep(enabled, i);
      return i;
    },
    observe(ev: TraceEvent) {
      run?.features.observe(ev);
      lastStep = ev.step;
    },
    endRun() {
      finish();
      return true;
    },
    member: () => record,
    stats: () => ({ corpus: corpus.entries.length, features: corpus.features.size, mutants }),
  };
}
