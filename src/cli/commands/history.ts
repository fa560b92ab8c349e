// `svmsim history`: every variant of the line of history against every built-in scenario (or the
// scenarios given, built-in or a file), as a matrix of verdicts: text, --json, or an HTML page
// whose cells open their counterexample in the trace viewer. A cell whose verdict differs from
// the one before it names the hunks that changed it.
import type { Command } from 'commander';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { IN_THREAD, matrix, verdictOf, type CellJudge, type Matrix } from '../../explore/line.ts';
import { withCellPool } from '../../explore/cell-pool.ts';
import { replayScheduleFile } from '../../explore/replay-file.ts';
import { writeFileAtomic } from '../../files.ts';
import { builtinNames, loadScenario } from '../../scenario/load.ts';
import { LINE, variantByName, type Hunk } from '../../variants/variants.ts';
import { cellKey, historyHtml } from '../../views/history-html.ts';
import { buildReport } from '../../views/report-model.ts';
import { reportHtml } from '../../views/report-html.ts';
import { BadInput, EXIT_SIGNAL } from '../../errors.ts';
import { stopOnSignals } from '../signals.ts';
import { jobsOption, JOBS_PER_CORE } from '../jobs-option.ts';
import { addLineOptions, cellOptions, type LineOpts } from '../line-common.ts';
import { checkWritable, writeOutput } from '../view-outputs.ts';

interface HistoryOpts extends LineOpts {
  scenario: string[];
  kernels?: string;
  out?: string;
  html?: string;
  jobs: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function register(program: Command): void {
  addLineOptions(
    program
      .command('history')
      .description('every variant on the line of history against every built-in scenario: a matrix of verdicts, each change named by its hunk')
      .option('-s, --scenario <name|file>', 'a row: a built-in scenario or a JSON file (repeat it; default every built-in)', collect, [])
      .option('--kernels <a,b,...>', 'the columns, in this order (default the line of history, oldest first)')
      .option('--out <dir>', 'keep each cell\'s counterexamples in DIR/<variant>/<scenario>/')
      .option('--html <file>', 'write the matrix as an HTML page; each cell with a counterexample opens it in the trace viewer (pages in FILE.cells/)')
      .option('--jobs <j>', `judge the cells on j threads, started once for the whole matrix (the same matrix but for the seconds; at most ${JOBS_PER_CORE} per core)`, '1'),
  ).action(async (o: HistoryOpts) => {
    // Every name is checked before any work.
    const scenarios = (o.scenario.length ? o.scenario : builtinNames()).map((s) => loadScenario(s));
    const variants = o.kernels === undefined ? LINE : o.kernels.split(',').map((k) => variantByName(k.trim()));
    if (!variants.length) throw new BadInput('--kernels names no variant');
    if (o.html !== undefined) checkWritable('history page', o.html);
    const jobs = jobsOption(o.jobs, 'inline');
    const given = cellOptions(o, o.out);
    // --html's pages replay each cell's counterexample: without --out, kept in a scratch folder.
    const scratch = o.out === undefined && o.html !== undefined ? mkdtempSync(join(tmpdir(), 'svmsim-history-')) : undefined;
    const opts = { ...given, out: o.out ?? scratch };
    const onCell = (c: Matrix['rows'][number]['cells'][number]) => {
      if (!o.json) process.stderr.write(`  ${c.scenario} on ${c.variant}: ${verdictOf(c)} (${c.seconds.toFixed(2)} s)\n`);
    };
    const cleanUp = () => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    };
    try {
      const m = await judged(jobs, (by) => matrix(scenarios, variants, opts, onCell, by), cleanUp);
      if (!m) return;
      if (o.html !== undefined) await writeHistoryPage(o.html, m);
      console.log(o.json ? JSON.stringify(m) : matrixText(m));
    } finally {
      cleanUp();
    }
  });
}

/** The matrix on `jobs` threads or in this thread; undefined if a signal stopped it (a matrix is
 * printed whole or not at all). On threads, the signal stops them, their searches with them, and
 * the run unwinds; in this thread, it quits once `cleanUp` has run. Exit 128 + the signal's number. */
async function judged(jobs: number, run: (by: CellJudge) => Promise<Matrix>, cleanUp: () => void): Promise<Matrix | undefined> {
  const stopper = stopOnSignals('quitting; the matrix is not printed');
  const abort = new AbortController();
  stopper.onStop(() => {
    if (jobs > 1) abort.abort();
    else setImmediate(() => (cleanUp(), process.exit(EXIT_SIGNAL[stopper.signal!])));
  });
  try {
    const m = await (jobs > 1 ? withCellPool(jobs, run, abort.signal) : run(IN_THREAD));
    return stopper.signal ? undefined : m;
  } catch (e) {
    if (!stopper.signal) throw e;
    return undefined;
  } finally {
    stopper.dispose();
    if (stopper.signal) process.exitCode = EXIT_SIGNAL[stopper.signal];
  }
}

/** Each cell's first counterexample replayed into a trace viewer page beside the matrix page. */
async function writeHistoryPage(file: string, m: Matrix): Promise<void> {
  const dir = join(dirname(file), `${basename(file)}.cells`);
  const viewers = new Map<string, string>();
  for (const r of m.rows)
    for (const c of r.cells) {
      const [oracle, path] = Object.entries(c.files)[0] ?? [];
      if (!path) continue;
      const { file: sched, result } = await replayScheduleFile(path, 'inline');
      const page = join(dir, c.variant.replace(/[^A-Za-z0-9_.-]/g, '_'), `${c.scenario.replace(/[^A-Za-z0-9_.-]/g, '_')}.html`);
      mkdirSync(dirname(page), { recursive: true });
      const input = { ...result, scenario: sched.scenario.name, kernel: sched.kernel, strategy: `replay of ${oracle} counterexample`, transport: 'inline', title: `${oracle} counterexample · ${c.scenario} on ${c.variant}` };
      writeFileAtomic(page, reportHtml(buildReport(input)));
      viewers.set(cellKey(c.variant, c.scenario), relative(dirname(file), page));
    }
  await writeOutput('history page', file, () => writeFileAtomic(file, historyHtml(m, viewers)));
}

/** The matrix as text: one line per scenario, a column per variant; then each change and its hunks. */
export function matrixText(m: Matrix): string {
  const word = (c: Matrix['rows'][number]['cells'][number]) => (c.oracles.length ? c.oracles.join(',') : c.exhausted ? 'clean' : 'clean*');
  const first = Math.max(8, ...m.rows.map((r) => r.scenario.length));
  const widths = m.variants.map((v, i) => Math.max(v.name.length, ...m.rows.map((r) => word(r.cells[i]!).length)));
  const line = (a: string, cols: string[]) => [a.padEnd(first), ...cols.map((c, i) => c.padEnd(widths[i]!))].join('  ').trimEnd();
  const out = [line('scenario', m.variants.map((v) => v.name)), line('', m.variants.map((v) => [v.release, v.commit].filter(Boolean).join(' ')))];
  for (const r of m.rows) out.push(line(r.scenario, r.cells.map(word)));
  out.push('', `clean: the stateful dfs exhausted the space; clean*: not exhausted in ${m.budget} runs, then ${m.fallback} schedules of the default strategy, none failing.`);
  const changes = m.rows.flatMap((r) => r.changes.map((c) => ({ ...c, scenario: r.scenario })));
  if (changes.length) out.push('', 'changes:');
  for (const c of changes) {
    const byCommit = (sign: string, hs: Hunk[]) =>
      [...new Set(hs.map((h) => h.commit || h.release))].map((k) => {
        const of = hs.filter((h) => (h.commit || h.release) === k);
        return `${sign} ${of[0]!.commit || 'commit unknown'} ${of[0]!.release} "${of[0]!.subject}": ${of.map((h) => (h === c.responsible ? `${h.id} (this one changes it)` : h.id)).join(', ')}`;
      });
    const hunks = [...byCommit('+', c.added), ...byCommit('-', c.removed)];
    out.push(`  ${c.scenario}: ${c.from} -> ${c.to}: ${c.before} -> ${c.after}`, ...(hunks.length ? hunks.map((h) => `      ${h}`) : ['      (no hunk differs)']));
  }
  out.push('', `${m.seconds.toFixed(1)} s in all; per row: ${m.rows.map((r) => `${r.scenario} ${r.seconds.toFixed(2)} s`).join(', ')}`);
  return out.join('\n');
}
