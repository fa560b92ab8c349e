// `svmsim fuzz`: search the worlds, not only the orderings. World after world within the bounds,
// each explored and judged by every oracle; the first world to show each oracle is shrunk (the
// world, then its schedule) and written as a scenario file and a schedule file.
import type { Command } from 'commander';
import { BadInput, EXIT_OK, EXIT_SIGNAL, EXIT_VIOLATION, intOption, oneOf, seedOption } from '../../errors.ts';
import { variantByName } from '../../variants/variants.ts';
import { GEN_FAULTS, type Bounds } from '../../fuzz/generate.ts';
import { drawnWorlds, worldSeed } from '../../fuzz/draw.ts';
import { exhaustiveCount, exhaustiveWorlds } from '../../fuzz/enumerate.ts';
import { fuzz } from '../../fuzz/fuzz.ts';
import { fuzzText } from '../../fuzz/result.ts';
import { fuzzFiles } from '../../fuzz/files.ts';
import { claimFolder, newRunId } from '../../explore/run-folder.ts';
import { judgePool } from '../../fuzz/pool.ts';
import { stopOnSignals } from '../signals.ts';
import { JOBS_PER_CORE, jobsOption } from '../jobs-option.ts';

interface FuzzOpts {
  kernel: string;
  seed: string;
  worlds?: string;
  time?: string;
  processes: string;
  steps: string;
  pages: string;
  devices: string;
  faults: string;
  schedules?: string;
  shrinkTries: string;
  out?: string;
  json?: boolean;
  exhaustive?: boolean;
  jobs?: string;
  queue?: string;
}

/** The bounds a world may have: past these, one world's state space is beyond a per-world search. */
export const MAX_BOUNDS = { processes: 4, steps: 12, pages: 8, devices: 3 } as const;
export const DEFAULT_WORLDS = 100;
export const DEFAULT_BUDGET = 200;
export const DEFAULT_SHRINK_TRIES = 200;

export function boundsOf(o: Pick<FuzzOpts, 'processes' | 'steps' | 'pages' | 'devices' | 'faults'>): Bounds {
  const b: Bounds = {
    processes: intOption('--processes', o.processes, 1, MAX_BOUNDS.processes),
    steps: intOption('--steps', o.steps, 1, MAX_BOUNDS.steps),
    pages: intOption('--pages', o.pages, 1, MAX_BOUNDS.pages),
    devices: intOption('--devices', o.devices, 1, MAX_BOUNDS.devices),
  };
  if (o.faults === 'none') return b;
  const kinds = o.faults === 'all' ? [...GEN_FAULTS] : o.faults.split(',').map((k) => oneOf('fault for fuzz', k.trim(), GEN_FAULTS));
  return { ...b, faults: true, faultKinds: kinds };
}

export function register(program: Command): void {
  program
    .command('fuzz')
    .description('search generated worlds (scenarios) for a violation: each explored and judged by every oracle; a finding shrunk (world, then schedule) and saved')
    .option('-k, --kernel <variant>', 'kernel variant (see `svmsim variants`)', 'fixed')
    .option('--seed <n>', 'seed of the worlds (0 to 2^32-1): the same seed draws the same worlds', '0')
    .option('--worlds <n>', `worlds to search (default ${DEFAULT_WORLDS})`)
    .option('--time <seconds>', 'search for this long instead')
    .option('--processes <n>', `bound: at most n processes (1 to ${MAX_BOUNDS.processes})`, '1')
    .option('--steps <n>', `bound: at most n steps per process, exit included (1 to ${MAX_BOUNDS.steps})`, '6')
    .option('--pages <n>', `bound: the page range the worlds map, DMA and touch (1 to ${MAX_BOUNDS.pages}; one page past it is DMA'd unmapped)`, '2')
    .option('--devices <n>', `bound: devices (1 to ${MAX_BOUNDS.devices})`, '1')
    .option('--faults <a,b|all|none>', `faults the worlds may allow, with budgets: ${GEN_FAULTS.join(', ')}, all or none (a fault's harms are not findings)`, 'none')
    .option('--schedules <n>', `schedules per world: the stateful dfs, and if it does not exhaust the world within them, as many of the default strategy (default ${DEFAULT_BUDGET}; with --exhaustive, the dfs to its end)`)
    .option('--shrink-tries <n>', 'smaller worlds judged while shrinking a finding', String(DEFAULT_SHRINK_TRIES))
    .option('--exhaustive', 'every world of one process within --steps, --pages and --devices, fewest steps first, each searched to exhaustion (no faults)')
    .option('--jobs <j>', `judge this many worlds at once, on a pool of worker threads (the same worlds and findings as one job; at most ${JOBS_PER_CORE} per core; default 1), or with --queue as jobs on the queue (default ${QUEUE_BATCH})`)
    .option('--queue <url>', 'judge the worlds as jobs on this campaign Redis (redis://HOST:PORT[/DB]), run by `svmsim worker`s; the same findings as in this process')
    .option('--out <dir>', 'write summary.json and, per finding, <oracle>.scenario.json (the shrunk world) and <oracle>.json (its shrunk schedule) here')
    .option('--json', 'print one JSON document')
    .action(async (o: FuzzOpts) => {
      const variant = variantByName(o.kernel);
      const seed = seedOption(o.seed);
      if (o.worlds !== undefined && o.time !== undefined) throw new BadInput('give --worlds or --time, not both');
      const worlds = o.time !== undefined ? undefined : o.worlds !== undefined || !o.exhaustive ? intOption('--worlds', o.worlds ?? String(DEFAULT_WORLDS), 1) : undefined;
      const seconds = o.time === undefined ? undefined : Number(o.time);
      if (seconds !== undefined && !(seconds > 0)) throw new BadInput(`--time must be a number of seconds > 0, got '${o.time}'`);
      const bounds = boundsOf(o);
      const budget = o.schedules !== undefined ? intOption('--schedules', o.schedules, 1) : o.exhaustive ? null : DEFAULT_BUDGET;
      const worldsOf = o.exhaustive ? exhaustive(bounds, seed, o) : { mode: 'random' as const, items: drawnWorlds(bounds, seed) };
      const shrinkTries = intOption('--shrink-tries', o.shrinkTries);
      const jobs = o.queue === undefined ? jobsOption(o.jobs ?? '1', 'inline') : intOption('--jobs', o.jobs ?? String(QUEUE_BATCH), 1);
      // The queue's client (bullmq, ioredis) loads only for a queued run; a URL that does not
      // answer is refused here, before any work.
      const queued = o.queue === undefined ? undefined : await openQueued(o.queue, variant.name);
      // Every check is done: claim the folder, then work.
      const run = newRunId();
      let claim;
      try {
        claim = o.out === undefined ? undefined : claimFolder('--out', o.out, run, fuzzFiles());
      } catch (e) {
        await queued?.close();
        throw e;
      }
      for (const to of claim?.movedTo ?? []) process.stderr.write(`svmsim: ${o.out} held an earlier run's files: moved to ${to}\n`);
      if (queued) process.stderr.write(`svmsim: fuzz campaign ${queued.campaign} on ${queued.url}: \`svmsim worker --queue URL\` judges its worlds\n`);
      const stopper = stopOnSignals('stopping after the current world (what was found is written)');
      const pool = queued ?? (jobs > 1 ? judgePool(variant, jobs) : undefined);
      if (pool) stopper.onStop(pool.stop);
      try {
        const r = await fuzz({ variant, bounds, seed, ...worldsOf, worlds, seconds, budget, shrinkTries, batch: jobs, judge: pool?.judge, stop: () => stopper.signal !== undefined, out: claim?.dir, runId: run });
        console.log(o.json ? JSON.stringify(r) : fuzzText(r));
        process.exitCode = stopper.signal ? EXIT_SIGNAL[stopper.signal] : r.findings.length ? EXIT_VIOLATION : EXIT_OK;
      } finally {
        stopper.dispose();
        await pool?.close();
        claim?.release();
      }
    });
}

/** Worlds in flight on the queue at once, unless --jobs says. */
export const QUEUE_BATCH = 8;

async function openQueued(url: string, kernel: string) {
  const [{ connectRedis, shownUrl }, { queueJudge }] = await Promise.all([import('../../distributed/connection.ts'), import('../../distributed/fuzz-queue.ts')]);
  const redis = await connectRedis(url);
  const q = queueJudge(redis, kernel);
  return { ...q, url: shownUrl(url), close: () => q.close().finally(() => redis.disconnect()) };
}

/** --exhaustive's worlds: one process, no faults (a fault's budget multiplies every world); the
 * default strategy's seed of world i as a drawn world's. */
function exhaustive(bounds: Bounds, seed: number, o: Pick<FuzzOpts, 'processes' | 'faults'>) {
  if (bounds.processes !== 1) throw new BadInput(`--exhaustive enumerates the worlds of one process: --processes must be 1, got ${o.processes}`);
  if (bounds.faults) throw new BadInput(`--exhaustive enumerates fault-free worlds: --faults must be none, got '${o.faults}'`);
  const total = exhaustiveCount(bounds);
  const items = (function* () {
    let index = 0;
    for (const world of exhaustiveWorlds(bounds)) yield { index, seed: worldSeed(seed, index++) >>> 1, world };
  })();
  return { mode: 'exhaustive' as const, total, items };
}
