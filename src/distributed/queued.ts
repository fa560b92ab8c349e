// `explore --queue URL`: the exploration as a campaign of jobs on BullMQ (src/distributed), run by
// `svmsim worker`s anywhere; this process submits it, shows its progress, and prints and writes
// the result as `explore` does. Ctrl-C detaches (the campaign goes on; `--resume` waits again).
import type { Command } from 'commander';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CampaignOptions } from './campaign.ts';
import type { CampaignRequest } from './submit.ts';
import { Progress } from '../explore/progress.ts';
import { writeScheduleFile } from '../explore/schedule-file.ts';
import { summarize, summaryText } from '../explore/summary.ts';
import { writeJsonAtomic } from '../files.ts';
import { BadInput, EXIT_OK, EXIT_VIOLATION, intOption } from '../errors.ts';

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
  schedules?: number;
  seconds?: number;
  kinds: string[];
  json?: boolean;
  out?: string;
  /** --report / --mermaid: show the first counterexample. */
  show: (file: string | undefined) => Promise<void>;
  wantsFile: boolean;
}

export async function exploreQueued(o: QueueOpts, run: QueuedRun): Promise<void> {
  if (o.queue === undefined) throw new BadInput('--resume needs --queue URL');
  if (!o.queue) throw new BadInput("--queue needs a URL (redis://HOST:PORT[/DB]), got ''");
  const req: CampaignRequest | { resume: string | undefined } =
    o.resume !== undefined
      ? { resume: o.resume === true ? undefined : o.resume }
      : {
          options: run.options,
          schedules: run.schedules,
          seconds: run.seconds,
          chunk: o.chunk === undefined ? undefined : intOption('--chunk', o.chunk, 1),
          parts: intOption('--parts', o.parts ?? '16', 1),
          splitAfter: intOption('--split-after', o.splitAfter ?? '20000', 1),
          attempts: intOption('--attempts', o.attempts ?? '3', 1),
        };
  // The queue's client (bullmq, ioredis) loads only for a queued exploration.
  const [{ connectRedis, shownUrl }, { runCampaign }] = await Promise.all([import('./connection.ts'), import('./submit.ts')]);
  const redis = await connectRedis(o.queue);
  const progress = new Progress(run.schedules ?? null, run.kinds);
  let detached = false;
  const onSigint = () => {
    if (detached) process.exit(130);
    detached = true;
  };
  process.on('SIGINT', onSigint);
  let seen = 0;
  try {
    const outcome = await runCampaign(redis, req, {
      detached: () => detached,
      onStart: (s) => process.stderr.write(`svmsim: campaign ${s.id} on ${shownUrl(o.queue!)}: \`svmsim worker --queue URL\` runs its jobs, \`svmsim status --queue URL\` shows it\n`),
      onProgress: ({ schedules }) => {
        progress.tick({ schedules: schedules - seen, endStates: [], oracles: [], coverage: {} });
        seen = schedules;
      },
    });
    progress.stop();
    if (outcome.detached) {
      process.stderr.write(`svmsim: detached; campaign ${outcome.spec.id} goes on: wait for it with \`svmsim explore --queue URL --resume ${outcome.spec.id}\`\n`);
      process.exitCode = 130;
      return;
    }
    const { result } = outcome;
    for (const f of outcome.failed) process.stderr.write(`svmsim: job ${f.job} failed: ${f.error.split('\n')[0]}\n`);
    const dir = run.out ?? (run.wantsFile ? mkdtempSync(join(tmpdir(), 'svmsim-explore-')) : undefined);
    if (dir) {
      for (const f of outcome.counterexamples) {
        const file = join(dir, `${f.violation.oracle}.json`);
        writeScheduleFile(file, f);
        const v = result.violations.find((x) => x.oracle === f.violation.oracle);
        if (v) v.file = file;
      }
    }
    if (run.out) writeJsonAtomic(join(run.out, 'summary.json'), result);
    const summary = summarize(result);
    console.log(run.json ? JSON.stringify(summary) : summaryText(summary));
    await run.show(result.violations[0]?.file);
    process.exitCode = result.violations.length ? EXIT_VIOLATION : EXIT_OK;
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
    redis.disconnect();
  }
}
