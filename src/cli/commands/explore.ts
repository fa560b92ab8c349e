// `svmsim explore`: search many orderings of one scenario on one kernel for a violation, shrink
// each one found to a short schedule file, and report coverage (and, for dfs, exhaustion).
import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSearch, DEFAULT_SCHEDULES } from '../../explore/explore.ts';
import { exploreSwarm } from '../../explore/swarm.ts';
import { exploreSwarmJobs } from '../../explore/swarm-jobs.ts';
import { BITSTATE_RANGE } from '../../explore/bitstate.ts';
import { exploreJobs, type RunOptions } from '../../explore/parallel.ts';
import { Progress } from '../../explore/progress.ts';
import type { ExploreResult } from '../../explore/result.ts';
import { summarize, summaryText } from '../../explore/summary.ts';
import { writeJsonAtomic } from '../../files.ts';
import { buildWorld } from '../../scenario/world.ts';
import { isStateful, REDUCTIONS, type Reduction } from '../../scheduler/dfs.ts';
import { DEFAULT_DELAYS, DEFAULT_EXPLORE_STRATEGY, EXPLORE_STRATEGIES } from '../../scheduler/index.ts';
import { untaken, untakenText } from '../../explore/coverage.ts';
import { addQueueOptions, exploreQueued, type QueueOpts } from '../../distributed/queued.ts';
import { writeExploreReportOutput } from '../view-outputs.ts';
import { DEFAULT_DEPTH } from '../../scheduler/pct.ts';
import { addCommonOptions, resolveCommon, type CommonOpts } from '../common.ts';
import { BadInput, EXIT_OK, EXIT_SIGNAL, EXIT_VIOLATION, intOption, MAX_SEED, oneOf } from '../../errors.ts';
import { checkOutputs, startOutputs, type OutputOpts } from '../outputs.ts';
import { partialResult, Ticks, type Head } from '../../explore/partial.ts';
import { claimFolder, newRunId } from '../../explore/run-folder.ts';
import { stopOnSignals } from '../signals.ts';
import { jobsOption, JOBS_PER_CORE } from '../jobs-option.ts';
import { replayScheduleFile } from '../../explore/replay-file.ts';

interface ExploreOpts extends CommonOpts, OutputOpts, QueueOpts {
  strategy: string;
  delays: string;
  coverageReport?: boolean;
  schedules?: string;
  time?: string;
  depth?: string;
  preemptionBound?: string;
  reduction?: string;
  symmetry?: boolean;
  bitstate?: string;
  swarm?: string;
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


/** The options that only some strategies read: given to another, they are refused, not ignored. */
function strategyOnly(o: ExploreOpts, strategy: string, command: Command): void {
  if (strategy !== 'dfs' && (o.preemptionBound !== undefined || o.reduction !== undefined)) throw new BadInput('--preemption-bound and --reduction apply to --strategy dfs');
  if (strategy !== 'pct' && command.getOptionValueSource('depth') === 'cli') throw new BadInput(`--depth applies to --strategy pct (${strategy} has no bug depth)`);
}

export function register(program: Command): void {
  const cmd = program.command('explore').description('search message orderings for a violation; shrink and save each counterexample');
  addQueueOptions(addCommonOptions(cmd, 'inline'))
    .option('--strategy <name>', `search strategy: ${EXPLORE_STRATEGIES.join(', ')}`, DEFAULT_EXPLORE_STRATEGY)
    .option('--delays <b>', 'delay: the number of delays (delay-bounded scheduling)', String(DEFAULT_DELAYS))
    .option('--coverage-report', 'also list every transition of every machine that no run took (JSON: `untaken`)')
    .option('--schedules <n>', 'schedules to run in all (default 1000; dfs: until exhausted)')
    .option('--time <seconds>', 'run for this long instead')
    .option('--depth <d>', 'pct: bug depth (d-1 priority change points)', String(DEFAULT_DEPTH))
    .option('--preemption-bound <p>', 'dfs: only schedules with at most p preemptions (iterative context bounding)')
    .option('--reduction <mode>', `dfs: ${REDUCTIONS.join(', ')}: states is a stateful search (each global state once), por the same with the partial-order reduction, the rest stateless with dpor, sleep sets or nothing (default states; sleep with a bound)`)
    .option('--symmetry', 'stateful dfs, inline: match states up to the world\'s symmetry (processes whose steps are the same up to their names are interchangeable, found from the scenario): one state of each orbit is expanded')
    .option('--bitstate <bits>', `dfs: a bitstate visited set of 2^bits bits (SPIN's supertrace, ${BITSTATE_RANGE.min} to ${BITSTATE_RANGE.max}; 30 is 128 MB): far more states in the same memory, at the risk of missing some; never exhausted, its coverage reported`)
    .option('--swarm <n>', 'with --bitstate: n bitstate searches, each with its own hashes and order of deliveries (a swarm), on --jobs threads or, with --queue, one campaign job each; what any one finds is reported')
    .option('--jobs <j>', `parallel jobs (a worker pool; each has its own transport; at most ${JOBS_PER_CORE} per core)`, '1')
    .option('--shard <k/n>', 'this machine explores share k of n (merge the results with `svmsim merge`)', '1/1')
    .option('--out <dir>', 'write summary.json and a shrunk schedule file per violation here (the run locks the folder; earlier files move to DIR/earlier/)')
    .option('--stop-on-first', 'stop at the first violation')
    .option('--reorder', 'also reorder messages within a channel')
    .option('--no-shrink', 'write counterexamples as found, without shrinking')
    .option('--report <file>', 'write an HTML exploration report: coverage shaded on every chart, each counterexample in the trace viewer, end states, rate over time')
    .option('--mermaid <file>', 'write that counterexample as a Mermaid sequenceDiagram')
    .action(async (o: ExploreOpts, command: Command) => {
      const c = resolveCommon(o);
      const strategy = oneOf('strategy', o.strategy, EXPLORE_STRATEGIES);
      strategyOnly(o, strategy, command);
      checkSearch({ scenario: c.scenario, strategy });
      if (o.schedules !== undefined && o.time !== undefined) throw new BadInput('give --schedules or --time, not both');
      const schedules = o.schedules === undefined ? undefined : intOption('--schedules', o.schedules, 1);
      const seconds = o.time === undefined ? undefined : Number(o.time);
      if (seconds !== undefined && !(seconds > 0)) throw new BadInput(`--time must be a number of seconds > 0, got '${o.time}'`);
      const preemptionBound = o.preemptionBound === undefined ? undefined : intOption('--preemption-bound', o.preemptionBound);
      const reduction = o.reduction === undefined ? undefined : oneOf<Reduction>('reduction', o.reduction, REDUCTIONS);
      if (preemptionBound !== undefined && (reduction === 'dpor' || isStateful(reduction))) throw new BadInput(`--reduction ${reduction} cannot be combined with --preemption-bound (use sleep or none)`);
      if (o.symmetry) symmetryAllowed(strategy, reduction, preemptionBound, c.transport, o.queue !== undefined || o.resume !== undefined);
      const jobs = jobsOption(o.jobs, c.transport);
      const shard = parseShard(o.shard);
      const { bitstate, swarm } = bitstateOptions(o, { strategy, reduction, preemptionBound, jobs, shards: shard.n });
      const depth = intOption('--depth', o.depth ?? String(DEFAULT_DEPTH), 1);
      // Schedule i runs seed X+i: past 2^32-1 it would run a small seed's schedule again.
      const last = strategy === 'dfs' ? 0 : c.seed + (schedules ?? (seconds === undefined ? DEFAULT_SCHEDULES : 1)) - 1;
      if (last > MAX_SEED) throw new BadInput(`--seed ${c.seed}: the schedules would run seeds up to ${last}, past ${MAX_SEED} (the strategies' seeds are 32-bit)`);
      const delays = intOption('--delays', o.delays);
      checkOutputs(o);
      if (o.queue !== undefined || o.resume !== undefined) {
        if (jobs !== 1 || shard.n !== 1) throw new BadInput('--queue shares the work out itself: no --jobs or --shard with it');
        // A bitstate search keeps its bit array in its process: on a campaign, only as a swarm's members (a job each).
        if (bitstate !== undefined && swarm === undefined) throw new BadInput('--bitstate keeps its bit array in one process: with --queue, give --swarm N (each member a job of the campaign)');
        const kinds = [...new Set(buildWorld(c.scenario, c.variant).specs.map((s) => s.kind))];
        const options = { scenario: c.scenario, kernel: c.variant.name, strategy, seed: c.seed, depth, preemptionBound, reduction, maxSteps: c.maxSteps, transport: c.transport, reorder: !!o.reorder, stopOnFirst: !!o.stopOnFirst, shrink: o.shrink, ...(bitstate !== undefined ? { bitstate } : {}) };
        const show = (file: string | undefined) => showCounterexample(file, o);
        const given = command.options.map((f) => f.attributeName()).filter((n) => command.getOptionValueSource(n) === 'cli');
        if (swarm !== undefined) swarmShares(given);
        return exploreQueued(o, { options, swarm, schedules, seconds, kinds, json: o.json, out: o.out, show, wantsFile: !!(o.report || o.mermaid), given });
      }

      // Every check is done: claim the folder, then work.
      const run = newRunId();
      const claim = o.out === undefined ? undefined : claimFolder('--out', o.out, run);
      for (const to of claim?.movedTo ?? []) process.stderr.write(`svmsim: ${o.out} held an earlier run's files: moved to ${to}\n`);
      // --report shows a counterexample file: without --out they go to a temporary folder, removed at the end.
      const scratch = claim || (o.report === undefined && o.mermaid === undefined) ? undefined : mkdtempSync(join(tmpdir(), 'svmsim-explore-'));
      const out = claim?.dir ?? scratch;
      const kinds = [...new Set(buildWorld(c.scenario, c.variant).specs.map((s) => s.kind))];
      const progress = new Progress(strategy !== 'dfs' && schedules ? Math.ceil(schedules / shard.n) : null, kinds);
      const ticks = new Ticks();
      const stopper = stopOnSignals();
      const head: Head = { kernel: c.variant.name, scenario: c.scenario.name, strategy, transport: c.transport, seed: c.seed, reorder: !!o.reorder, maxSteps: c.maxSteps, jobs, shard: `${shard.k}/${shard.n}`, run };
      const save = (r: ExploreResult) => {
        if (claim) writeJsonAtomic(join(claim.dir, 'summary.json'), r);
        progress.stop();
        // A scratch folder's files are gone at the end: the summary does not point to them.
        const shown = summarize(scratch ? { ...r, violations: r.violations.map(({ file: _f, ...v }) => v) } : r);
        const left = o.coverageReport ? untaken(r.coverage, kinds) : undefined;
        console.log(o.json ? JSON.stringify(left ? { ...shown, untaken: left } : shown) : summaryText(shown) + (left ? `\n${untakenText(left)}` : ''));
      };
      try {
        let result: ExploreResult;
        try {
          const req: RunOptions = {
            scenario: c.scenario,
            variant: c.variant,
            strategy,
            schedules,
            seconds,
            seed: c.seed,
            depth,
            delays,
            preemptionBound,
            reduction,
            symmetry: !!o.symmetry,
            bitstate,
            maxSteps: c.maxSteps,
            transport: c.transport,
            memo: c.memo,
            reorder: !!o.reorder,
            stopOnFirst: !!o.stopOnFirst,
            out,
            runId: run,
            shrink: o.shrink,
            shard,
            jobs,
            interrupted: () => stopper.signal !== undefined,
            onInterrupt: (stop) => stopper.onStop(stop),
            onProgress: (p) => (ticks.add(p), progress.tick(p)),
          };
          if (swarm === undefined) result = await exploreJobs(req);
          else if (jobs > 1) result = await exploreSwarmJobs({ ...req, bitstate: bitstate! }, swarm);
          else result = await exploreSwarm({ ...req, bitstate: bitstate!, stop: req.interrupted }, swarm);
        } catch (e) {
          // Keep what was found, then fail as before (exit 70, the stack on stderr).
          save(partialResult({ ...head, ...(strategy === 'pct' ? { depth } : {}) }, ticks, (e as Error).message, out));
          throw e;
        }
        const { format, ...rest } = result;
        const saved: ExploreResult = { format, run, parts: [{ run, shard: head.shard, jobs }], ...rest };
        save(saved);
        if (o.report) await writeExploreReportOutput(o.report, saved);
        await showCounterexample(saved.violations[0]?.file, { mermaid: o.mermaid });
        process.exitCode = stopper.signal ? EXIT_SIGNAL[stopper.signal] : saved.violations.length ? EXIT_VIOLATION : EXIT_OK;
      } finally {
        progress.stop();
        stopper.dispose();
        claim?.release();
        if (scratch) rmSync(scratch, { recursive: true, force: true });
      }
    });
}

/** --report / --mermaid: the first violation's counterexample, replayed (inline: the same trace). */
async function showCounterexample(file: string | undefined, o: OutputOpts): Promise<void> {
  if (o.mermaid === undefined) return;
  if (!file) {
    process.stderr.write('svmsim: no violation, so no counterexample to report\n');
    return;
  }
  const { file: sched, result } = await replayScheduleFile(file, 'inline');
  const out = await startOutputs({ mermaid: o.mermaid });
  await out.finish(result, { scenario: sched.scenario.name, kernel: sched.kernel, strategy: `replay of ${file}`, transport: 'inline' });
}

/** --bitstate and --swarm: a stateful dfs of one job (the bit array is this process's); a swarm's
 * members may run on --jobs threads, each member's bit array in its thread. */
/** --symmetry renames the states of a stateful search on this thread (the actors' texts). */
function symmetryAllowed(strategy: string, reduction: Reduction | undefined, bound: number | undefined, transport: string, queued: boolean): void {
  if (strategy !== 'dfs' || bound !== undefined || (reduction !== undefined && !isStateful(reduction))) throw new BadInput('--symmetry applies to the stateful dfs (--strategy dfs, --reduction states or por)');
  if (transport !== 'inline') throw new BadInput('--symmetry needs --transport inline (it reads each actor\'s state on this thread)');
  if (queued) throw new BadInput('--symmetry runs in this process: not with --queue');
}

/** A swarm's jobs are its members: the flags that share out seeds or a dfs tree are refused. */
function swarmShares(given: string[]): void {
  const flag = (['chunk', 'parts', 'splitAfter'] as const).find((n) => given.includes(n));
  if (flag) throw new BadInput(`--${flag === 'splitAfter' ? 'split-after' : flag} shares out seeds or a dfs tree: a swarm's jobs are its members (one each), not with --swarm`);
}

function bitstateOptions(o: ExploreOpts, c: { strategy: string; reduction?: Reduction; preemptionBound?: number; jobs: number; shards: number }): { bitstate?: number; swarm?: number } {
  if (o.bitstate === undefined) {
    if (o.swarm !== undefined) throw new BadInput('--swarm needs --bitstate BITS (each member a bitstate search)');
    return {};
  }
  const bitstate = intOption('--bitstate', o.bitstate, BITSTATE_RANGE.min, BITSTATE_RANGE.max);
  if (c.strategy !== 'dfs') throw new BadInput('--bitstate applies to --strategy dfs');
  if (c.reduction !== undefined && c.reduction !== 'states') throw new BadInput(`--bitstate is a stateful search: not with --reduction ${c.reduction}`);
  if (c.preemptionBound !== undefined) throw new BadInput('--bitstate cannot be combined with --preemption-bound');
  if (c.shards !== 1 || (c.jobs !== 1 && o.swarm === undefined)) throw new BadInput('--bitstate keeps its bit array in this process: no --jobs or --shard with it (--swarm N --jobs J runs a swarm\'s members on J threads)');
  const swarm = o.swarm === undefined ? undefined : intOption('--swarm', o.swarm, 1, 64);
  return { bitstate, swarm };
}
