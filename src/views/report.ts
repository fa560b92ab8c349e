// The trace viewer's page: a run (`svmsim run --json`'s document, a SimResult with its names, or a
// schedule re-run by explore/run-input.ts) drawn as one self-contained HTML file.
import { buildReport, type ReportInput } from './report-model.ts';
import { reportHtml } from './report-html.ts';
import { writeFileAtomic } from '../files.ts';

export type { ReportInput } from './report-model.ts';

/** Write the report page of a run to `file` (atomically). */
export function writeReport(file: string, input: ReportInput): void {
  writeFileAtomic(file, reportHtml(buildReport(input)));
}
