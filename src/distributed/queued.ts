// `explore --queue URL`: the exploration as a campaign of jobs on BullMQ (src/distributed), run by
// `svmsim worker`s anywhere; this process submits it, shows its progress, and prints and writes
// the result as `explore` does. Ctrl-C detaches (the campaign goes on; `--resume` waits again).
import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpec, newCampaignId, type CampaignOptions, type CampaignSpec } from './campaign.ts';
import type { CampaignRequest } from './submit.ts';
import { Progress } from '../explore/progress.ts';
import type { ExploreResult } from '../explore/result.ts';
import { claimFolder, type Claim } from '../explore/run-folder.ts';
import { writeScheduleFile, type ScheduleFile } from '../explore/schedule-file.ts';
import { summarize, summaryText } from '../explore/summary.ts';
import { writeJsonAtomic } from '../files.ts';
import { BadInput, EXIT_OK, EXIT_OUTPUT, EXIT_SIGNAL, EXIT_VIOLATION, intOption, type StopSignal } from '../errors.ts';

export interface QueueOpts {
  queue?: string;
  resume?: string | true;
  chunk?: string;
  parts?: string;
  splitAfter?: string;
  attempts?: string;
}

export const addQueueOptions = (c: Command): Command =>
  c
    .option('--queue <url>', 'run as a campaign of jobs on this Redis (redis://HOST:PORT[/DB]) for `svmsim worker`s; wait for the result')
    .option('--resume [campaign]', 'with --queue: wait again for a campaign left by Ctrl-C (default: the latest)')
    .option('--chunk <n>', 'with --queue: seeds per job (random, pct)')
    .option('--parts <n>', 'with --queue: dfs jobs to deal the tree to at first', '16')
    .option('--split-after <runs>', 'with --queue: a dfs job that has run this many hands the rest of its subtree on to two new jobs', '20000')
    .option('--attempts <n>', 'with --queue: tries of a job whose process dies, before it is failed', '3');

export interface QueuedRun {
  options: CampaignOptions;
  /** --swarm N (options.bitstate set): a member job each. */
  swarm?: number;
  schedules?: number;
  seconds?: number;
  kinds: string[];
  json?: boolean;
  out?: string;
  /** --report / --mermaid: show the first counterexample. */
  show: (file: string | undefined) => Promise<void>;
  wantsFile: boolean;
  /** The flags given on the command line (commander's attribute names): with --resume, one that
   * would change the campaign is refused. */
  given: string[];
}

/** The signals that stop the wait (the campaign goes on): what was found so far is written. */
const SIGNALS = Object.keys(EXIT_SIGNAL) as StopSignal[];

export async function exploreQueued(o: QueueOpts, run: QueuedRun): Promise<void> {
  if (o.queue === undefined) throw new BadInput('--resume needs --queue URL');
  if (!o.queue) throw new BadInput("--queue needs a URL (redis://HOST:PORT[/DB]), got ''");
  const fresh = o.resume === undefined ? newRequest(o, run) : undefined;
  // The queue's client (bullmq, ioredis) loads only for a queued exploration.
  const [{ connectRedis, shownUrl }, { runCampaign }] = await Promise.all([import('./connection.ts'), import('./submit.ts')]);
  const redis = await connectRedis(o.queue);
  let claim: Claim | undefined;
  const progress = new Progress(run.schedules ?? null, run.kinds);
  let stopped: StopSignal | undefined;
  const onSignal = (s: StopSignal) => {
    if (stopped) process.exit(EXIT_SIGNAL[s]);
    stopped = s;
  };
  try {
    const resumed = fresh ? undefined : await loadSpec(redis, o.resume === true ? undefined : (o.resume as string));
    if (resumed) unchanged(resumed, o, run);
    // Every check is done: claim the folder (a second campaign into it is refused), then submit.
    claim = run.out === undefined ? undefined : claimFolder('--out', run.out, resumed?.id ?? fresh!.id!);
    for (const to of claim?.movedTo ?? []) process.stderr.write(`svmsim: ${run.out} held an earlier run's files: moved to ${to}\n`);
    for (const s of SIGNALS) process.on(s, onSignal);
    let seen = 0;
    const outcome = await runCampaign(redis, fresh ?? { resume: resumed!.id }, {
      detached: () => stopped !== undefined,
      onStart: (s) => process.stderr.write(`svmsim: campaign ${s.id} on ${shownUrl(o.queue!)}: \`svmsim worker --queue URL\` runs its jobs, \`svmsim status --queue URL\` shows it\n`),
      onProgress: ({ schedules }) => {
        progress.tick({ schedules: schedules - seen, endStates: [], oracles: [], coverage: {} });
        seen = schedules;
      },
    });
    progress.stop();
    if (outcome.detached) {
      // What the jobs found so far is written (the campaign goes on and --resume waits again).
      if (run.out) saveFolder(run.out, outcome.spec.id, outcome.result, outcome.counterexamples);
      process.stderr.write(`svmsim: detached; campaign ${outcome.spec.id} goes on: wait for it with \`svmsim explore --queue URL --resume ${outcome.spec.id}\`${run.out ? ` (${run.out} holds what it had found)` : ''}\n`);
      process.exitCode = EXIT_SIGNAL[stopped ?? 'SIGINT'];
      return;
    }
    const { result } = outcome;
    if (outcome.lost) process.stderr.write(`svmsim: ${outcome.lost}\n`);
    for (const f of outcome.failed) process.stderr.write(`svmsim: job ${f.job} failed: ${f.error.split('\n')[0]}\n`);
    const dir = run.out ?? (run.wantsFile ? mkdtempSync(join(tmpdir(), 'svmsim-explore-')) : undefined);
    if (dir) saveFolder(dir, outcome.spec.id, result, outcome.counterexamples, !!run.out);
    const summary = summarize(result);
    console.log(run.json ? JSON.stringify(summary) : summaryText(summary));
    await run.show(result.violations[0]?.file);
    process.exitCode = outcome.lost ? EXIT_OUTPUT : result.violations.length ? EXIT_VIOLATION : EXIT_OK;
  } finally {
    progress.stop();
    for (const s of SIGNALS) process.off(s, onSignal);
    claim?.release();
    redis.disconnect();
  }
}

function newRequest(o: QueueOpts, run: QueuedRun): CampaignRequest {
  return {
    id: newCampaignId(),
    options: run.options,
    schedules: run.schedules,
    seconds: run.seconds,
    chunk: o.chunk === undefined ? undefined : intOption('--chunk', o.chunk, 1),
    parts: intOption('--parts', o.parts ?? '16', 1),
    splitAfter: intOption('--split-after', o.splitAfter ?? '20000', 1),
    attempts: intOption('--attempts', o.attempts ?? '3', 1),
    ...(run.swarm !== undefined ? { swarm: run.swarm } : {}),
  };
}

/** The campaign's files, stamped with its id (its run id: \`merge\` takes the folder, a later run
 * moves them to earlier/<id>/): a schedule file per oracle, and summary.json. */
function saveFolder(dir: string, id: string, result: ExploreResult, found: ScheduleFile[], summary = true): void {
  for (const f of found) {
    const file = join(dir, `${f.violation.oracle}.json`);
    writeScheduleFile(file, { ...f, run: id });
    const v = result.violations.find((x) => x.oracle === f.violation.oracle);
    if (v) v.file = file;
  }
  Object.assign(result, { run: id, parts: [{ run: id, shard: '1/1', jobs: result.jobs }] });
  if (summary) writeJsonAtomic(join(dir, 'summary.json'), result);
}

/** --resume waits for the campaign as it was submitted: a flag that would change what it explores
 * is refused (the same value is fine). */
function unchanged(spec: CampaignSpec, o: QueueOpts, run: QueuedRun): void {
  const ask = newRequest(o, run);
  const was: Record<string, [string, unknown, unknown]> = {
    kernel: ['-k/--kernel', spec.options.kernel, ask.options.kernel],
    scenario: ['-s/--scenario', JSON.stringify(spec.options.scenario), JSON.stringify(ask.options.scenario)],
    faults: ['--faults', JSON.stringify(spec.options.scenario), JSON.stringify(ask.options.scenario)],
    strategy: ['--strategy', spec.options.strategy, ask.options.strategy],
    seed: ['--seed', spec.options.seed, ask.options.seed],
    schedules: ['--schedules', spec.schedules, ask.schedules],
    time: ['--time', spec.memberSeconds, ask.seconds],
    depth: ['--depth', spec.options.depth, ask.options.depth],
    preemptionBound: ['--preemption-bound', spec.options.preemptionBound, ask.options.preemptionBound],
    reduction: ['--reduction', spec.options.reduction, ask.options.reduction],
    maxSteps: ['--max-steps', spec.options.maxSteps, ask.options.maxSteps],
    transport: ['--transport', spec.options.transport, ask.options.transport],
    reorder: ['--reorder', spec.options.reorder, ask.options.reorder],
    stopOnFirst: ['--stop-on-first', spec.options.stopOnFirst, ask.options.stopOnFirst],
    shrink: ['--no-shrink', spec.options.shrink, ask.options.shrink],
    chunk: ['--chunk', spec.chunk, ask.chunk],
    parts: ['--parts', spec.parts, ask.parts],
    splitAfter: ['--split-after', spec.splitAfter, ask.splitAfter],
    attempts: ['--attempts', spec.attempts, ask.attempts],
    bitstate: ['--bitstate', spec.options.bitstate, ask.options.bitstate],
    swarm: ['--swarm', spec.swarm, ask.swarm],
  };
  for (const name of run.given) {
    const w = was[name];
    if (!w || w[1] === w[2]) continue;
    const shown = (v: unknown) => (typeof v === 'string' && v.startsWith('{') ? 'another world' : String(v));
    throw new BadInput(`--resume ${spec.id}: the campaign was submitted with ${w[0]} ${shown(w[1])}; ${w[0]} ${shown(w[2])} cannot change it (drop the flag to wait for it, or start a new campaign without --resume)`);
  }
}
