// `explore --report FILE` and `svmsim report summary.json`: the exploration report, with each
// violation's counterexample (replayed by explore/counterexamples.ts) as a trace viewer embedded
// in the page.
import type { ExploreResult } from '../explore/result.ts';
import type { Counterexample } from '../explore/counterexamples.ts';
import { writeFileAtomic } from '../files.ts';
import { buildExploreReport } from './explore-model.ts';
import { exploreHtml, type Viewer } from './explore-html.ts';
import { buildReport } from './report-model.ts';
import { reportHtml } from './report-html.ts';

/** Each violation's trace viewer (`runs`: one per violation, in order), or why it has none. */
export function counterexampleViewers(r: ExploreResult, runs: Counterexample[]): Viewer[] {
  return runs.map((c, i) => {
    if ('error' in c) return c;
    const title = `${r.violations[i]!.oracle} counterexample · ${c.input.scenario} on ${c.input.kernel}`;
    return { html: reportHtml(buildReport({ ...c.input, title })) };
  });
}

export function exploreReportHtml(r: ExploreResult, runs: Counterexample[]): string {
  return exploreHtml(buildExploreReport(r), counterexampleViewers(r, runs));
}

/** Write the exploration report to `file` (atomically). */
export function writeExploreReport(file: string, r: ExploreResult, runs: Counterexample[]): void {
  writeFileAtomic(file, exploreReportHtml(r, runs));
}
