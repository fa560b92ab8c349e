// The nearest passing schedule: from a counterexample, the closest schedule in which no oracle
// fires, found among the shrinker's candidates (./shrink.ts). The counterexample is read as its
// deviations from the non-preemptive default; a candidate drops one deviation, moves one a few
// steps (SHIFTS), drops every deviation from one on, adds one (another deliverable message at one
// step, nearest the violation first), or drops two; the candidate whose trace is closest to the
// counterexample's (fewest deliveries outside their common subsequence) wins. findNearest: the
// same from a run or schedule file (`svmsim diff --nearest`), inline.
import { parseJsonText } from '../input.ts';
import { readFileSync } from 'node:fs';
import { BadInput, variantByName, type Variant } from '../variants/variants.ts';
import { DEFAULT_MAX_STEPS, type Choice } from '../runtime/run.ts';
import { inlineTransport } from '../runtime/inline.ts';
import { channelOf, type TraceEvent } from '../runtime/types.ts';
import { traceDistance } from '../trace/align.ts';
import { loadScenario, parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ExploringStrategy } from '../scheduler/exploring.ts';
import { simulate, type SimResult } from '../simulate.ts';
import { deviating, SHIFTS, type Deviation } from './shrink.ts';
import type { RunInput } from './run-input.ts';

export interface NearestOptions {
  choices: Choice[];
  /** Runs one schedule under `strategy` (and calls its `observe` on every step). */
  run: (strategy: ExploringStrategy) => Promise<SimResult>;
  /** How far a trace is from the counterexample's. */
  distance: (a: TraceEvent[], b: TraceEvent[]) => number;
  maxRuns?: number;
}

export interface Nearest {
  result: SimResult;
  /** What was changed from the counterexample's deviations, in words. */
  change: string;
  distance: number;
  runs: number;
}

/** Candidates nearest first: one change, then two. `enabled`: the channels deliverable at each
 * step of the counterexample; `until`: the choice before its violation; `boot`: its start-up
 * steps (choice i is delivered at trace step i + boot, the step the descriptions name). */
function* candidates(d: Deviation[], enabled: string[][], until: number, boot: number): Generator<[Deviation[], string]> {
  const at = (x: Deviation) => `step ${x[0] + boot} (${x[1].ch})`;
  for (let i = 0; i < d.length; i++) yield [[...d.slice(0, i), ...d.slice(i + 1)], `without the switch at ${at(d[i]!)}`];
  for (let i = 0; i < d.length; i++) {
    for (const delta of SHIFTS) {
      const moved = d.map(([s, c], j): Deviation => [j === i ? s + delta : s, c]);
      if (moved[i]![0] >= 0) yield [moved.sort((x, y) => x[0] - y[0]), `the switch at ${at(d[i]!)} moved ${delta > 0 ? 'later' : 'earlier'} by ${Math.abs(delta)}`];
    }
  }
  for (let i = d.length - 1; i >= 0; i--) yield [d.slice(0, i), `without the switches from ${at(d[i]!)} on`];
  const taken = new Map(d.map(([s, c]) => [s, c.ch]));
  for (let s = Math.min(until, enabled.length - 1); s >= 0; s--) {
    for (const ch of enabled[s]!) {
      if (ch === taken.get(s)) continue;
      const added: Deviation = [s, { ch, k: 0, of: enabled[s]!.length }];
      yield [[...d.filter(([x]) => x !== s), added].sort((x, y) => x[0] - y[0]), `delivering ${ch} at step ${s + boot} instead`];
    }
  }
  for (let i = 0; i < d.length; i++) for (let j = i + 1; j < d.length; j++) yield [d.filter((_, k) => k !== i && k !== j), `without the switches at ${at(d[i]!)} and ${at(d[j]!)}`];
}

/** null: the counterexample does not fail, or no candidate within `maxRuns` passes. */
export async function nearestPassing(o: NearestOptions): Promise<Nearest | { failing: false } | null> {
  const enabled: string[][] = [];
  const attempt = async (deviations: Deviation[], record = false) => {
    const s = deviating(new Map(deviations));
    const pick = s.pick.bind(s);
    if (record) s.pick = (ms, step) => (enabled.push([...new Set(ms.map(channelOf))]), pick(ms, step));
    return { result: await o.run(s), deviated: [...s.deviated] };
  };
  const base = await attempt(
    o.choices.map((c, i) => [i, c]),
    true,
  );
  if (!base.result.violations.length) return { failing: false };
  const boot = base.result.trace.length - base.result.choices.length;
  const until = Math.min(...base.result.violations.map((v) => v.step)) - boot;
  let best: Nearest | null = null;
  let runs = 1;
  const maxRuns = o.maxRuns ?? 400;
  for (const [devs, change] of candidates(base.deviated, enabled, until, boot)) {
    if (runs >= maxRuns) break;
    runs++;
    const { result } = await attempt(devs);
    if (result.violations.length) continue;
    const distance = o.distance(base.result.trace, result.trace);
    if (!best || distance < best.distance) best = { result, change, distance, runs };
  }
  return best ? { ...best, runs } : null;
}

/** What it takes to run a file's schedule again: its world and its choices. */
export interface Replayable {
  scenario: Scenario;
  variant: Variant;
  choices: Choice[];
  seed: number;
  reorder: boolean;
  maxSteps: number;
}

/** A run document's or a schedule's world and choices (for `diff --nearest`). */
export function replayableOf(file: string): Replayable {
  const raw = parseJsonText(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const choices = raw.choices as Choice[] | undefined;
  if (!Array.isArray(choices) || !choices.length) throw new BadInput(`${file}: no choices to start from (a --free run records none: replay it first)`);
  const kernel = (raw.kernel ?? raw.variant) as string | undefined;
  if (typeof kernel !== 'string') throw new BadInput(`${file}: names no kernel`);
  const sc = raw.scenario;
  const scenario = typeof sc === 'string' ? loadScenario(sc) : parseScenario(sc, `${file}: scenario`);
  return {
    scenario,
    variant: variantByName(kernel),
    choices,
    seed: typeof raw.seed === 'number' ? raw.seed : 0,
    reorder: raw.reorder === true,
    maxSteps: typeof raw.maxSteps === 'number' ? raw.maxSteps : DEFAULT_MAX_STEPS,
  };
}

export interface NearestFound {
  /** The passing run, named for a page's header. */
  input: RunInput;
  change: string;
  distance: number;
  runs: number;
}

/** The schedule nearest to `file`'s where no oracle fires (BadInput if `file` passes already,
 * NoNearest if no candidate passes). */
export async function findNearest(file: string, maxRuns?: number): Promise<NearestFound> {
  const r = replayableOf(file);
  const transport = inlineTransport();
  try {
    const found = await nearestPassing({
      choices: r.choices,
      maxRuns,
      distance: traceDistance,
      run: (strategy) => simulate({ scenario: r.scenario, variant: r.variant, strategy, transport, seed: r.seed, maxSteps: r.maxSteps, reorder: r.reorder, keepOpen: true, onStep: (ev) => strategy.observe?.(ev) }),
    });
    if (!found) throw new NoNearest(`no schedule near ${file} passes: every candidate of the shrinker (up to ${maxRuns ?? 400} runs) still fires an oracle`);
    if (!('result' in found)) throw new BadInput(`${file}: no oracle fires in it, so there is nothing to find a passing schedule for`);
    const input: RunInput = { ...found.result, scenario: r.scenario.name, kernel: r.variant.name, strategy: `nearest passing: ${found.change}`, transport: 'inline' };
    return { input, change: found.change, distance: found.distance, runs: found.runs };
  } finally {
    await transport.close();
  }
}

/** Every candidate still fails: an answer, not bad input (exit 1). */
export class NoNearest extends Error {}
