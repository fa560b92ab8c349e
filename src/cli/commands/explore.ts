// `svmsim explore`: search many orderings of one scenario on one kernel for a violation, shrink
// each one found to a short schedule file, and report coverage (and, for dfs, exhaustion).
import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exploreJobs } from '../../explore/parallel.ts';
import { Progress } from '../../explore/progress.ts';
import { summarize, summaryText } from '../../explore/summary.ts';
import { writeJsonAtomic } from '../../files.ts';
import { buildWorld } from '../../scenario/world.ts';
import { REDUCTIONS, type Reduction } from '../../scheduler/dfs.ts';
import { EXPLORE_STRATEGIES } from '../../scheduler/index.ts';
import { DEFAULT_DEPTH } from '../../scheduler/pct.ts';
import { addCommonOptions, resolveCommon, type CommonOpts } from '../common.ts';
import { BadInput, EXIT_OK, EXIT_VIOLATION, intOption, oneOf } from '../errors.ts';
import { startOutputs, type OutputOpts } from '../outputs.ts';
import { replayScheduleFile } from '../../explore/replay-file.ts';
import { checkWritable, writeExploreReportOutput } from '../view-outputs.ts';

interface ExploreOpts extends CommonOpts, OutputOpts {
  strategy: string;
  schedules?: string;
  time?: string;
  depth: string;
  preemptionBound?: string;
  reduction?: string;
  jobs: string;
  shard: string;
  out?: string;
  stopOnFirst?: boolean;
  reorder?: boolean;
  shrink: boolean;
}

export function parseShard(s: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const [k, n] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  if (!m || n < 1 || k < 1 || k > n) throw new BadInput(`--shard must be k/n with 1 <= k <= n, got '${s}'`);
  return { k, n };
}

export function register(program: Command): void {
  const cmd = program.command('explore').description('search message orderings for a violation; shrink and save each counterexample');
  addCommonOptions(cmd, 'inline')
    .option('--strategy <name>', `search strategy: ${EXPLORE_STRATEGIES.join(', ')}`, 'pct')
    .option('--schedules <n>', 'schedules to run in all (default 1000; dfs: until exhausted)')
    .option('--time <seconds>', 'run for this long instead')
    .option('--depth <d>', 'pct: bug depth (d-1 priority change points)', String(DEFAULT_DEPTH))
    .option('--preemption-bound <p>', 'dfs: only schedules with at most p preemptions (iterative context bounding)')
    .option('--reduction <mode>', `dfs: ${REDUCTIONS.join(', ')}: states is a stateful search (each global state once), the rest stateless with dpor, sleep sets or nothing (default states; sleep with a bound)`)
    .option('--jobs <j>', 'parallel jobs (a worker pool; each has its own transport)', '1')
    .option('--shard <k/n>', 'this machine explores share k of n (merge the results with `svmsim merge`)', '1/1')
    .option('--out <dir>', 'write summary.json and a shrunk schedule file per violation here')
    .option('--stop-on-first', 'stop at the first violation')
    .option('--reorder', 'also reorder messages within a channel')
    .option('--no-shrink', 'write counterexamples as found, without shrinking')
    .option('--report <file>', 'write an HTML exploration report: coverage shaded on every chart, each counterexample in the trace viewer, end states, rate over time')
    .option('--mermaid <file>', 'write that counterexample as a Mermaid sequenceDiagram')
    .action(async (o: ExploreOpts) => {
      const c = resolveCommon(o);
      if (o.report) checkWritable('report', o.report);
      const strategy = oneOf('strategy', o.strategy, EXPLORE_STRATEGIES);
      if (o.schedules !== undefined && o.time !== undefined) throw new BadInput('give --schedules or --time, not both');
      const schedules = o.schedules === undefined ? undefined : intOption('--schedules', o.schedules, 1);
      const seconds = o.time === undefined ? undefined : Number(o.time);
      if (seconds !== undefined && !(seconds > 0)) throw new BadInput(`--time must be a number of seconds > 0, got '${o.time}'`);
      const preemptionBound = o.preemptionBound === undefined ? undefined : intOption('--preemption-bound', o.preemptionBound);
      const reduction = o.reduction === undefined ? undefined : oneOf<Reduction>('reduction', o.reduction, REDUCTIONS);
      if (strategy !== 'dfs' && (preemptionBound !== undefined || reduction !== undefined)) throw new BadInput('--preemption-bound and --reduction apply to --strategy dfs');
      if (preemptionBound !== undefined && (reduction === 'dpor' || reduction === 'states')) throw new BadInput(`--reduction ${reduction} cannot be combined with --preemption-bound (use sleep or none)`);
      const jobs = intOption('--jobs', o.jobs, 1);
      const shard = parseShard(o.shard);
      const depth = intOption('--depth', o.depth, 1);

      const kinds = [...new Set(buildWorld(c.scenario, c.variant).specs.map((s) => s.kind))];
      const progress = new Progress(strategy !== 'dfs' && schedules ? Math.ceil(schedules / shard.n) : null, kinds);
      let sigint = false;
      let stopJobs = () => {};
      const onSigint = () => {
        if (sigint) process.exit(130);
        sigint = true;
        stopJobs();
        process.stderr.write('\nsvmsim: stopping after the current schedule (Ctrl-C again to quit at once)\n');
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await exploreJobs({
          scenario: c.scenario,
          variant: c.variant,
          strategy,
          schedules,
          seconds,
          seed: c.seed,
          depth,
          preemptionBound,
          reduction,
          maxSteps: c.maxSteps,
          transport: c.transport,
          reorder: !!o.reorder,
          stopOnFirst: !!o.stopOnFirst,
          // --report shows a counterexample file: without --out they go to a temporary folder.
          out: o.out ?? (o.report || o.mermaid ? mkdtempSync(join(tmpdir(), 'svmsim-explore-')) : undefined),
          shrink: o.shrink,
          shard,
          jobs,
          interrupted: () => sigint,
          onInterrupt: (stop) => (stopJobs = stop),
          onProgress: (p) => progress.tick(p),
        });
        progress.stop();
        if (o.out) writeJsonAtomic(join(o.out, 'summary.json'), result);
        const summary = summarize(result);
        console.log(o.json ? JSON.stringify(summary) : summaryText(summary));
        if (o.report) await writeExploreReportOutput(o.report, result);
        await showCounterexample(result.violations[0]?.file, { mermaid: o.mermaid });
        process.exitCode = result.violations.length ? EXIT_VIOLATION : EXIT_OK;
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
      }
    });
}

/** --mermaid: the first violation's counterexample, replayed (inline: the same trace). */
async function showCounterexample(file: string | undefined, o: OutputOpts): Promise<void> {
  if (!o.mermaid) return;
  if (!file) {
    process.stderr.write('svmsim: no violation, so no counterexample to draw\n');
    return;
  }
  const { file: sched, result } = await replayScheduleFile(file, 'inline');
  const out = await startOutputs({ mermaid: o.mermaid });
  await out.finish(result, { scenario: sched.scenario.name, kernel: sched.kernel, strategy: `replay of ${file}`, transport: 'inline' });
}
