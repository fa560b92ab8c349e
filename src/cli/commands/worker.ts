// `svmsim worker --queue URL`: run campaign jobs from that Redis until stopped (Ctrl-C or SIGTERM
// finish the jobs running; a second Ctrl-C quits at once, and those jobs are retried elsewhere).
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { BadInput, intOption } from '../../errors.ts';
import { JOBS_PER_CORE } from '../jobs-option.ts';

interface WorkerOpts {
  queue: string;
  concurrency: string;
  lockMs: string;
  maxStalls: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('run exploration jobs from a campaign queue (Redis) until stopped')
    .requiredOption('--queue <url>', 'the campaign Redis: redis://[user:password@]HOST:PORT[/DB]')
    .option('--concurrency <j>', 'jobs at a time, each in a process of its own', '1')
    .option('--lock-ms <ms>', "a job's lock: a killed worker's jobs are retried after this", '30000')
    .option('--max-stalls <n>', 'times a job may lose its worker before it is failed', '2')
    .option('--quiet', 'no line per job')
    .action(async (o: WorkerOpts) => {
      const concurrency = concurrencyOption(o.concurrency);
      const lockMs = intOption('--lock-ms', o.lockMs, 1000);
      const maxStalls = intOption('--max-stalls', o.maxStalls, 0);
      // bullmq and ioredis load for this command only (every CLI start would pay for them).
      const [{ connectRedis, shownUrl }, { startWorker }] = await Promise.all([import('../../distributed/connection.ts'), import('../../distributed/worker.ts')]);
      const redis = await connectRedis(o.queue);
      const log = (l: string) => process.stderr.write(`svmsim worker: ${l}\n`);
      const w = startWorker(redis, { url: o.queue, concurrency, lockMs, maxStalls, onEvent: o.quiet ? undefined : log });
      log(`on ${shownUrl(o.queue)}, ${concurrency} job(s) at a time; Ctrl-C to stop`);
      await new Promise<void>((done) => {
        let stopping = false;
        const stop = () => {
          if (stopping) process.exit(130);
          stopping = true;
          log('stopping after the jobs running (Ctrl-C again to quit at once)');
          void w.close().then(done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      redis.disconnect();
    });
}

/** As `explore --jobs`: at most JOBS_PER_CORE jobs per core (each job is a process with its own
 * engine: past that they only contend for the cores and the memory). */
export function concurrencyOption(value: string, cores = availableParallelism()): number {
  const n = intOption('--concurrency', value, 1);
  const max = Math.max(1, JOBS_PER_CORE * cores);
  if (n > max) throw new BadInput(`--concurrency ${n} is beyond this machine's ${cores} core(s) (os.availableParallelism()): at most ${max} (${JOBS_PER_CORE} per core); each job runs in a process of its own`);
  return n;
}
