// `explore --report FILE` and `svmsim report summary.json`: the exploration report, with each
// violation's counterexample file replayed (inline: the same trace as any transport) into a trace
// viewer embedded in the page.
import type { ExploreResult } from '../explore/result.ts';
import { replayScheduleFile } from '../explore/replay-file.ts';
import { writeFileAtomic } from '../files.ts';
import { buildExploreReport } from './explore-model.ts';
import { exploreHtml, type Viewer } from './explore-html.ts';
import { buildReport } from './report-model.ts';
import { reportHtml } from './report-html.ts';

/** Each violation's trace viewer, or why it has none (no file kept, or it no longer replays). */
export async function counterexampleViewers(r: ExploreResult): Promise<Viewer[]> {
  const out: Viewer[] = [];
  for (const v of r.violations) {
    if (!v.file) {
      out.push({ error: 'no counterexample file kept' });
      continue;
    }
    try {
      const { file, result } = await replayScheduleFile(v.file, 'inline');
      const title = `${v.oracle} counterexample · ${file.scenario.name} on ${file.kernel}`;
      out.push({ html: reportHtml(buildReport({ ...result, scenario: file.scenario.name, kernel: file.kernel, strategy: `replay of ${v.file}`, transport: 'inline', title })) });
    } catch (e) {
      out.push({ error: `${v.file}: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  return out;
}

export async function exploreReportHtml(r: ExploreResult): Promise<string> {
  return exploreHtml(buildExploreReport(r), await counterexampleViewers(r));
}

/** Write the exploration report to `file` (atomically). */
export async function writeExploreReport(file: string, r: ExploreResult): Promise<void> {
  writeFileAtomic(file, await exploreReportHtml(r));
}
