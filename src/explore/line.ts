// The driver's history as verdicts (issue 28): one scenario on one kernel variant is a cell, the
// oracles that fire or clean, decided by the stateful dfs (exhausted) or, where the space is too
// large for the cell's budget, by that many dfs runs and then `schedules` of the default
// strategy; a matrix is every variant against every scenario; bisect walks the line of variants
// as `git bisect` walks commits and names the first variant whose verdict changes, and the hunk.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OracleName } from '../oracles/types.ts';
import { defaultMaxSteps } from '../scenario/max-steps.ts';
import type { Scenario } from '../scenario/schema.ts';
import { DEFAULT_EXPLORE_STRATEGY } from '../scheduler/index.ts';
import { HUNKS, hunkDiff, type Hunk, type Variant } from '../variants/variants.ts';
import { explore } from './explore.ts';

/** dfs runs a cell may take before the space counts as too large for it. */
export const DEFAULT_BUDGET = 20_000;
/** Schedules of the default strategy a cell whose dfs did not finish runs after it. */
export const DEFAULT_FALLBACK = 100;

export interface CellOptions {
  /** dfs runs (leaves of the stateful search) at most. */
  budget: number;
  /** Schedules of the default strategy when the dfs did not exhaust the space clean. */
  fallback: number;
  /** Where each cell's counterexamples go (a folder per cell); none kept without it. */
  out?: string;
  shrink: boolean;
}

export interface Cell {
  variant: string;
  scenario: string;
  /** The oracles that fired, in name order; empty: clean. */
  oracles: OracleName[];
  /** The dfs searched the whole space (the verdict is a proof, not a sample). */
  exhausted: boolean;
  /** How the verdict was reached, in words. */
  search: string;
  /** dfs: distinct states and runs; the fallback's schedules (0: none run). */
  states?: number;
  runs: number;
  fallback: number;
  /** The first violation's message, and each oracle's counterexample file (shrunk). */
  message?: string;
  files: Partial<Record<OracleName, string>>;
  seconds: number;
}

/** A cell's verdict as a word: the oracles that fired, or `clean`. */
export const verdictOf = (c: Pick<Cell, 'oracles'>): string => (c.oracles.length ? c.oracles.join(',') : 'clean');

const sortedOracles = (vs: { oracle: OracleName }[]): OracleName[] => [...new Set(vs.map((v) => v.oracle))].sort();
const fileName = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '_');

/** One scenario on one variant: the stateful dfs within the budget; not exhausted and clean, the
 * default strategy's `fallback` schedules as well. */
export async function cell(scenario: Scenario, variant: Variant, o: CellOptions): Promise<Cell> {
  const t0 = performance.now();
  const out = o.out === undefined ? undefined : join(o.out, fileName(variant.name), fileName(scenario.name));
  if (out) mkdirSync(out, { recursive: true });
  const base = { scenario, variant, seed: 0, maxSteps: defaultMaxSteps(scenario), transport: 'inline' as const, reorder: false, shrink: o.shrink, out };
  const d = await explore({ ...base, strategy: 'dfs', schedules: o.budget });
  const states = d.dfs?.states?.states;
  const exhausted = d.dfs?.exhausted === true;
  let violations = d.violations;
  let search = exhausted ? `dfs exhausted: ${states ?? '?'} states, ${d.schedules} runs` : `dfs: ${d.schedules} runs (budget), ${states ?? '?'} states, not exhausted`;
  let fallback = 0;
  if (!exhausted && !violations.length && o.fallback > 0) {
    const f = await explore({ ...base, strategy: DEFAULT_EXPLORE_STRATEGY, schedules: o.fallback });
    violations = f.violations;
    fallback = f.schedules;
    search += `; then ${f.schedules} ${DEFAULT_EXPLORE_STRATEGY} schedules (the space is larger than the budget)`;
  }
  const files: Cell['files'] = {};
  for (const v of violations) if (v.file && !files[v.oracle]) files[v.oracle] = v.file;
  return {
    variant: variant.name,
    scenario: scenario.name,
    oracles: sortedOracles(violations),
    exhausted,
    search,
    ...(states !== undefined ? { states } : {}),
    runs: d.schedules,
    fallback,
    ...(violations[0] ? { message: violations[0].violation.message } : {}),
    files,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
  };
}

/** What changed a row's verdict between two neighbouring columns: the hunks the later one adds
 * (and any it drops, for columns that are not on one line), and, when it adds several, the one
 * whose addition (one at a time, in HUNKS order) first changes the verdict. */
export interface Change {
  from: string;
  to: string;
  before: string;
  after: string;
  added: Hunk[];
  removed: Hunk[];
  responsible?: Hunk;
}

/** `before` plus the hunks of `added`, one at a time in HUNKS order: the first whose addition
 * changes `judge`'s answer from `before`'s (`old`). */
export async function responsibleHunk(before: Variant, added: Hunk[], old: string, judge: (v: Variant) => Promise<string>): Promise<Hunk | undefined> {
  if (added.length === 1) return added[0];
  let hunks = { ...before.hunks };
  for (const h of HUNKS.filter((x) => added.includes(x))) {
    hunks = { ...hunks, [h.id]: true };
    if ((await judge({ name: `${before.name}+${h.id}`, description: `${before.name} with ${h.id}`, hunks, line: false })) !== old) return h;
  }
  return undefined;
}

export interface Row {
  scenario: string;
  cells: Cell[];
  changes: Change[];
  seconds: number;
}

export interface Matrix {
  variants: { name: string; release?: string; commit?: string }[];
  rows: Row[];
  budget: number;
  fallback: number;
  seconds: number;
}

/** The change between two neighbouring cells of a row, if their verdicts differ. */
export function changeOf(a: Variant, b: Variant, ca: Cell, cb: Cell): Change | undefined {
  if (verdictOf(ca) === verdictOf(cb)) return undefined;
  const { added, removed } = hunkDiff(a, b);
  return { from: a.name, to: b.name, before: verdictOf(ca), after: verdictOf(cb), added, removed };
}

/** Judges cells: `cell` in this thread one at a time, or a pool's threads (cell-pool.ts), which
 * take every cell of the matrix at once and answer each as `cell` would. */
export interface CellJudge {
  judge: (scenario: Scenario, variant: Variant, o: CellOptions) => Promise<Cell>;
  parallel: boolean;
}
export const IN_THREAD: CellJudge = { judge: cell, parallel: false };

/** fn over xs, in order: one after another, or all at once (the results in xs's order). */
const each = async <T, R>(xs: T[], parallel: boolean, fn: (x: T) => Promise<R>): Promise<R[]> => {
  if (parallel) return Promise.all(xs.map(fn));
  const out: R[] = [];
  for (const x of xs) out.push(await fn(x));
  return out;
};

/** Every variant (columns, in the order given) against every scenario (rows). */
export async function matrix(scenarios: Scenario[], variants: Variant[], o: CellOptions, onCell?: (c: Cell) => void, by: CellJudge = IN_THREAD): Promise<Matrix> {
  const t0 = performance.now();
  const rows = await each(scenarios, by.parallel, async (s): Promise<Row> => {
    const r0 = performance.now();
    const cells = await each(variants, by.parallel, async (v) => {
      const c = await by.judge(s, v, o);
      onCell?.(c);
      return c;
    });
    const changes = cells.slice(1).flatMap((c, i) => changeOf(variants[i]!, variants[i + 1]!, cells[i]!, c) ?? []);
    await each(changes, by.parallel, async (ch) => {
      if (!ch.added.length || ch.removed.length) return;
      const at = variants.find((v) => v.name === ch.from)!;
      const h = await responsibleHunk(at, ch.added, ch.before, async (v) => verdictOf(await by.judge(s, v, { ...o, out: undefined })));
      if (h) ch.responsible = h;
    });
    return { scenario: s.name, cells, changes, seconds: Number(((performance.now() - r0) / 1000).toFixed(3)) };
  });
  return {
    variants: variants.map((v) => ({ name: v.name, ...(v.release ? { release: v.release } : {}), ...(v.commit ? { commit: v.commit } : {}) })),
    rows,
    budget: o.budget,
    fallback: o.fallback,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
  };
}

export interface BisectStep {
  variant: string;
  verdict: string;
  /** Whether it has the first variant's verdict (`old`) or not (`new`), as git bisect's good/bad. */
  side: 'old' | 'new';
}

export interface BisectResult {
  scenario: string;
  oracle?: OracleName;
  from: string;
  to: string;
  /** The variants tested, in the order bisect tested them. */
  steps: BisectStep[];
  /** No change between `from` and `to` (their verdicts agree). */
  unchanged?: boolean;
  /** The last variant with the old verdict and the first with the new, their cells, the hunks
   * between them and, when several, the one whose addition alone changes the verdict. */
  before?: Cell;
  first?: Cell;
  hunks?: Hunk[];
  responsible?: Hunk;
}

/** What bisect compares: with an oracle, whether it fires; else the whole verdict. */
const propertyOf = (c: Cell, oracle?: OracleName): string => (oracle ? (c.oracles.includes(oracle) ? `${oracle} fires` : `no ${oracle}`) : verdictOf(c));

/** Walk `line` (oldest first) from its first variant to its last by halving, as `git bisect`
 * does: the first variant whose verdict differs from the first one's, assuming one change. */
export async function bisect(scenario: Scenario, line: Variant[], o: CellOptions & { oracle?: OracleName }, onStep?: (s: BisectStep) => void): Promise<BisectResult> {
  const cells = new Map<string, Cell>();
  const steps: BisectStep[] = [];
  const at = async (v: Variant): Promise<Cell> => {
    const known = cells.get(v.name);
    if (known) return known;
    const c = await cell(scenario, v, o);
    cells.set(v.name, c);
    return c;
  };
  const test = async (v: Variant, old?: string): Promise<string> => {
    const p = propertyOf(await at(v), o.oracle);
    const step: BisectStep = { variant: v.name, verdict: p, side: old === undefined || p === old ? 'old' : 'new' };
    steps.push(step);
    onStep?.(step);
    return p;
  };
  const head = { scenario: scenario.name, ...(o.oracle ? { oracle: o.oracle } : {}), from: line[0]!.name, to: line[line.length - 1]!.name };
  const old = await test(line[0]!);
  if (line.length === 1 || (await test(line[line.length - 1]!, old)) === old) return { ...head, steps, unchanged: true };
  let lo = 0;
  let hi = line.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((await test(line[mid]!, old)) === old) lo = mid;
    else hi = mid;
  }
  const before = line[lo]!;
  const first = line[hi]!;
  const { added } = hunkDiff(before, first);
  // Several hunks in one step (the seed patch has three): added one at a time, in HUNKS order.
  const responsible = await responsibleHunk(before, added, old, async (v) => propertyOf(await at(v), o.oracle));
  return { ...head, steps, before: await at(before), first: await at(first), hunks: added, ...(responsible ? { responsible } : {}) };
}
