// Faults, each against a real redis-server on 127.0.0.1 (a free port, a temp dir): a worker
// killed mid-job, Redis restarted mid-campaign, a job that kills its process every time, Ctrl-C
// on the submitting explore, and a queue URL that answers nothing or refuses the credentials.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { keys } from '../../src/distributed/campaign.ts';
import { client, connectRedis } from '../../src/distributed/connection.ts';
import { jobCounts, openQueue } from '../../src/distributed/queue.ts';
import { runCampaign } from '../../src/distributed/submit.ts';
import { campaignStatus } from '../../src/distributed/status.ts';
import { campaign, inProcess, options, svmsimProcess, until, withWorkers } from './harness.ts';
import { freePort, startRedis, type TestRedis } from '../../tools/redis-server.ts';

let redis: TestRedis | undefined;
afterEach(async () => {
  await redis?.stop();
  redis = undefined;
  delete process.env.SVMSIM_FAULT_KILL_JOB;
});

const leaky = options('exit-with-mmap', 'pre-fix', 'random', { seed: 3 });

describe('faults', () => {
  it('a worker killed with SIGKILL mid-job loses nothing: the job is retried, the counterexample stored stays', async () => {
    redis = await startRedis();
    const r = await connectRedis(redis.url);
    const w1 = svmsimProcess(['worker', '--queue', redis.url, '--lock-ms', '1500']);
    // Big enough that the engine cannot finish the job between the stored counterexample and the kill.
    const submitted = runCampaign(r, { options: leaky, schedules: 3000, chunk: 3000 }, { detached: () => false });
    let id = '';
    await until('the job to run and store its counterexample', async () => {
      id = (await r.get('svmsim:latest')) ?? '';
      return !!id && (await r.hexists(keys(id).cexSize, 'leak')) === 1;
    });
    const before = await r.hget(keys(id).cex, 'leak');
    w1.p.kill('SIGKILL');
    await w1.done;
    const q = openQueue(r);
    expect((await jobCounts(q, r, id)).done).toBe(0);
    await q.close();
    const events: string[] = [];
    const out = await withWorkers(redis.url, 1, async () => {
      const o = await submitted;
      if (o.detached) throw new Error('detached');
      return o;
    }, 1500, (l) => events.push(l));
    // F20: the retry is try 2, and status counts the killed try's partial work once.
    expect((await campaignStatus(r, id)).schedules).toBe(3000);
    expect(events).toContain(`job ${id}.s0-3000: started (try 2)`);
    const local = await explore({ ...inProcess(leaky), schedules: 3000 });
    expect(out.result.schedules).toBe(3000);
    expect(out.result.violations.map((v) => [v.oracle, v.count])).toEqual(local.violations.map((v) => [v.oracle, v.count]));
    expect(out.failed).toEqual([]);
    // What the killed try stored is still there (the retry's is no smaller: same seeds).
    expect(await r.hget(keys(id).cex, 'leak')).toBe(before);
    r.disconnect();
  }, 180_000);

  it('Redis restarted mid-campaign (append-only on) resumes it', async () => {
    redis = await startRedis({ appendonly: true });
    const o = options('exit-with-mmap', 'fixed', 'random', { seed: 11 });
    const out = await withWorkers(redis.url, 1, async (r) => {
      const submitted = campaign(r, { options: o, schedules: 80, chunk: 10 });
      await until('some jobs done', async () => {
        const id = await r.get('svmsim:latest');
        return !!id && (await r.hlen(keys(id).results)) >= 2;
      });
      await redis!.restart();
      return submitted;
    });
    const local = await explore({ ...inProcess(o), schedules: 80 });
    expect(out.result.schedules).toBe(80);
    expect(out.result.jobs).toBe(8);
    expect(out.result.endStates).toEqual(local.endStates);
    expect(out.result.coverage).toEqual(local.coverage);
  }, 180_000);

  it('Redis restarted without persistence mid-campaign: the campaign ends interrupted, saying what was lost (issue 29 F2)', async () => {
    redis = await startRedis();
    const r = await connectRedis(redis.url);
    // No worker: the jobs wait; the restart takes the spec, the queue and the results with it.
    const submitted = campaign(r, { options: options('exit-with-mmap', 'fixed', 'random', { seed: 11 }), schedules: 20, chunk: 10 });
    await until('the campaign to be submitted', async () => !!(await r.get('svmsim:latest')));
    const id = (await r.get('svmsim:latest'))!;
    await redis.restart();
    const out = await submitted;
    expect(out.lost).toBe(`the queue lost campaign ${id} (Redis came back without its data: restarted without persistence, or flushed): the results of its 0 finished job(s) (0 schedules), their counterexamples, the waiting jobs and the visited set are gone; run campaigns on an append-only Redis (redis-server --appendonly yes)`);
    expect(out.result).toMatchObject({ interrupted: true, error: out.lost, schedules: 0 });
    r.disconnect();
  }, 60_000);

  it('a client whose Redis does not answer says so once, not a stack per retry (issue 29 F15)', async () => {
    const lines: string[] = [];
    const url = `redis://127.0.0.1:${await freePort()}`;
    const r = client(url, (l) => lines.push(l));
    let retries = 0;
    r.on('error', () => retries++);
    await until('three failed connects', () => retries >= 3);
    r.disconnect();
    expect(lines).toEqual([`svmsim: the queue ${url} does not answer (ECONNREFUSED): reconnecting`]);
  }, 60_000);

  it('a job that kills its process every time is failed with its error after its attempts, not retried for ever', async () => {
    redis = await startRedis();
    process.env.SVMSIM_FAULT_KILL_JOB = '.s0-10';
    const out = await withWorkers(redis.url, 1, (r) => campaign(r, { options: leaky, schedules: 20, chunk: 10, attempts: 2 }));
    expect(out.failed).toHaveLength(1);
    expect(out.failed[0]!.job).toMatch(/\.s0-10$/);
    expect(out.failed[0]!.error).toMatch(/the process running job .*\.s0-10 died \(SIGKILL\)/);
    expect(out.result.schedules).toBe(10);
    const r = await connectRedis(redis.url);
    const q = openQueue(r);
    expect((await q.getJob(out.failed[0]!.job))!.attemptsMade).toBe(2);
    await q.close();
    r.disconnect();
  }, 120_000);

  it('Ctrl-C on the submitting explore leaves the campaign resumable: --resume waits for its result', async () => {
    redis = await startRedis();
    const args = ['explore', '--queue', redis.url, '-s', 'exit-with-mmap', '-k', 'pre-fix', '--strategy', 'random', '--schedules', '30', '--chunk', '10', '--json'];
    const sub = svmsimProcess(args);
    await until('the campaign to start', () => /campaign (\S+) on/.test(sub.output().stderr));
    const id = /campaign (\S+) on/.exec(sub.output().stderr)![1]!;
    sub.p.kill('SIGINT');
    const first = await sub.done;
    expect(first.code).toBe(130);
    expect(first.stderr).toContain(`--resume ${id}`);
    expect(first.stdout).toBe('');
    const json = await withWorkers(redis.url, 1, async () => {
      const again = svmsimProcess(['explore', '--queue', redis!.url, '--resume', id, '--json']);
      const end = await again.done;
      expect(end.code).toBe(1); // the leak fired
      return JSON.parse(end.stdout) as { schedules: number; violations: { oracle: string }[] };
    });
    expect(json.schedules).toBe(30);
    expect(json.violations.map((v) => v.oracle)).toContain('leak');
  }, 180_000);
});

describe('a queue URL that does not serve', () => {
  const oneLine = (r: { code: number | null; stderr: string }) => {
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    return r.stderr;
  };
  const run = async (url: string, cmd = ['explore', '--queue', url, '--schedules', '5']) => {
    const t0 = Date.now();
    const r = await svmsimProcess(cmd).done;
    return { ...r, ms: Date.now() - t0 };
  };

  it('nothing listening: exit 2, one line, fast', async () => {
    const port = await freePort();
    const r = await run(`redis://127.0.0.1:${port}`);
    expect(oneLine(r)).toMatch(/cannot use the queue redis:\/\/127\.0\.0\.1:\d+\/?: .*ECONNREFUSED/);
    expect(r.ms).toBeLessThan(20_000);
  }, 30_000);

  it('a server that accepts and answers nothing: exit 2, one line, after the connect timeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', ok));
    const port = (silent.address() as { port: number }).port;
    try {
      const r = await run(`redis://127.0.0.1:${port}`, ['status', '--queue', `redis://127.0.0.1:${port}`]);
      expect(oneLine(r)).toMatch(/cannot use the queue .*: (no answer within 3 s|.*timeout)/i);
    } finally {
      silent.close();
    }
  }, 30_000);

  it('bad credentials: exit 2, one line, the password not shown', async () => {
    redis = await startRedis({ password: 'right-one' });
    const url = `redis://:wrong-one@127.0.0.1:${redis.port}`;
    const r = await run(url, ['worker', '--queue', url]);
    const line = oneLine(r);
    expect(line).toMatch(/bad credentials/);
    expect(line).not.toContain('wrong-one');
  }, 30_000);

  it('not a redis URL: exit 2 before connecting', async () => {
    const r = await run('http://127.0.0.1:1', ['status', '--queue', 'http://127.0.0.1:1']);
    expect(oneLine(r)).toMatch(/--queue must be a redis:\/\/ or rediss:\/\/ URL/);
  });
});
