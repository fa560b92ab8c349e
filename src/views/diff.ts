// `svmsim diff`'s page and document: two runs (read or re-run by explore/run-input.ts; B may be the
// nearest passing schedule, explore/nearest.ts) compared and drawn.
import { writeFileAtomic } from '../files.ts';
import { buildDiff, type DiffResult } from './diff-model.ts';
import { diffHtml } from './diff-html.ts';
import type { ReportInput } from './report-model.ts';

/** How B was found from A, with --nearest. */
export interface NearestNote {
  change: string;
  distance: number;
  runs: number;
}

export interface DiffOutput {
  html: string;
  json: DiffResult & { nearest?: NearestNote };
}

/** The page and the JSON document comparing `a` with `b`, labelled `labels`. */
export function diffPage(a: ReportInput, b: ReportInput, labels: [string, string], nearest?: NearestNote): DiffOutput {
  const page = buildDiff(a, b, labels);
  const { rows: _rows, ...rest } = page.diff;
  return { html: diffHtml(page), json: { ...rest, rows: page.diff.rows, ...(nearest ? { nearest } : {}) } };
}

export const writeDiff = (file: string, out: DiffOutput): void => writeFileAtomic(file, out.html);
