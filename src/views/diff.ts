// `svmsim diff`: the runs to compare (a `run --json` document or a schedule file each; a schedule
// is re-run with replay, as the trace viewer does), the nearest passing schedule of a
// counterexample (--nearest), and the page.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BadInput, variantByName, type Variant } from '../variants/variants.ts';
import { DEFAULT_MAX_STEPS, type Choice } from '../runtime/run.ts';
import { inlineTransport } from '../runtime/inline.ts';
import { loadScenario, parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { simulate } from '../simulate.ts';
import { nearestPassing } from '../explore/nearest.ts';
import { writeFileAtomic } from '../files.ts';
import { buildDiff, traceDistance, type DiffResult } from './diff-model.ts';
import { diffHtml } from './diff-html.ts';
import { loadReportInput, type ReportInput } from './report.ts';

/** What it takes to run a file's schedule again: its world and its choices. */
export interface Replayable {
  scenario: Scenario;
  variant: Variant;
  choices: Choice[];
  seed: number;
  reorder: boolean;
  maxSteps: number;
}

/** A run document's or a schedule's world and choices (for --nearest). */
export function replayableOf(file: string): Replayable {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
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
  input: ReportInput;
  change: string;
  distance: number;
  runs: number;
}

/** The schedule nearest to `file`'s where no oracle fires (BadInput if `file` passes already,
 * an Error if no candidate passes). */
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
    const input: ReportInput = { ...found.result, scenario: r.scenario.name, kernel: r.variant.name, strategy: `nearest passing: ${found.change}`, transport: 'inline' };
    return { input, change: found.change, distance: found.distance, runs: found.runs };
  } finally {
    await transport.close();
  }
}

/** Every candidate still fails: an answer, not bad input (exit 1). */
export class NoNearest extends Error {}

export interface DiffOutput {
  html: string;
  json: DiffResult & { nearest?: { change: string; distance: number; runs: number } };
}

export async function diffFiles(a: string, b: string | undefined, o: { nearest?: boolean; maxRuns?: number }): Promise<DiffOutput> {
  const left = await loadReportInput(a);
  let right: ReportInput;
  let label: string;
  let nearest: DiffOutput['json']['nearest'];
  if (o.nearest) {
    const n = await findNearest(a, o.maxRuns);
    right = n.input;
    label = `nearest passing (${n.change})`;
    nearest = { change: n.change, distance: n.distance, runs: n.runs };
  } else {
    right = await loadReportInput(b!);
    label = basename(b!);
  }
  const page = buildDiff(left, right, [basename(a), label]);
  const { rows: _rows, ...rest } = page.diff;
  return { html: diffHtml(page), json: { ...rest, rows: page.diff.rows, ...(nearest ? { nearest } : {}) } };
}

export const writeDiff = (file: string, out: DiffOutput): void => writeFileAtomic(file, out.html);
