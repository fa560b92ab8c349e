// `svmsim status --queue URL`: a campaign's jobs, rate, states and violations so far.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('status')
    .description('show a campaign: jobs waiting, active, done and failed, schedules/s, states, violations so far')
    .requiredOption('--queue <url>', 'the campaign Redis: redis://[user:password@]HOST:PORT[/DB]')
    .option('--campaign <id>', 'which campaign (default: the latest)')
    .option('--json', 'print one JSON document')
    .action(async (o: { queue: string; campaign?: string; json?: boolean }) => {
      const [{ connectRedis }, { campaignStatus, statusText }] = await Promise.all([import('../../distributed/connection.ts'), import('../../distributed/status.ts')]);
      const redis = await connectRedis(o.queue);
      try {
        const s = await campaignStatus(redis, o.campaign);
        console.log(o.json ? JSON.stringify(s) : statusText(s));
      } finally {
        redis.disconnect();
      }
    });
}
