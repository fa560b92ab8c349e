// What `svmsim history` and `svmsim bisect` share: the cell budget options and a cell in words.
import type { Command } from 'commander';
import { DEFAULT_BUDGET, DEFAULT_FALLBACK, type Cell, type CellOptions } from '../explore/line.ts';
import { intOption } from '../errors.ts';

export interface LineOpts {
  budget: string;
  fallback: string;
  shrink: boolean;
  json?: boolean;
}

export const addLineOptions = (c: Command): Command =>
  c
    .option('--budget <n>', 'stateful dfs runs per cell before its space counts as too large', String(DEFAULT_BUDGET))
    .option('--fallback <n>', 'schedules of the default strategy a cell runs when its dfs ran out of budget clean (0: none)', String(DEFAULT_FALLBACK))
    .option('--no-shrink', 'keep counterexamples as found, without shrinking')
    .option('--json', 'print one JSON document');

export const cellOptions = (o: LineOpts, out: string | undefined): CellOptions => ({
  budget: intOption('--budget', o.budget, 1),
  fallback: intOption('--fallback', o.fallback, 0),
  shrink: o.shrink !== false,
  out,
});

/** A cell in one line: the verdict and how it was reached, or its counterexamples. */
export function cellText(c: Cell): string {
  if (!c.oracles.length) return `clean — ${c.search}`;
  const files = Object.entries(c.files).map(([o, f]) => `${o}: ${f}`);
  return `${c.oracles.join(', ')} — ${c.message ?? ''}${files.length ? `\n      counterexample ${files.join('; ')} (svmsim replay FILE)` : ''}\n      (${c.search})`;
}
