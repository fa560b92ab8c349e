// `svmsim run`: one schedule of one scenario on one kernel: the timeline, every object, the verdict.
// `--free` lets the worker threads deliver to each other with no scheduler; `--repeat N` runs
// that N times and counts the orderings and verdicts the threads produced.
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { simulate, type SimResult } from '../../simulate.ts';
import { judge } from '../../oracles/index.ts';
import { buildWorld } from '../../scenario/world.ts';
import { makeTransport } from '../../engine/transports.ts';
import { workersTransport } from '../../runtime/threads/controlled.ts';
import { runFree } from '../../runtime/threads/free.ts';
import { makeStrategy, RUN_STRATEGIES } from '../../scheduler/index.ts';
import { objectJson } from '../../trace/objects.ts';
import { objectTableText, timeline, verdictText } from '../../views/text.ts';
import { addCommonOptions, resolveCommon, stepLimitNote, type Common, type CommonOpts } from '../common.ts';
import { addOutputOptions, startOutputs, type OutputOpts } from '../outputs.ts';
import { startLive } from '../live-option.ts';
import { BadInput, EXIT_OK, EXIT_SIGNAL, EXIT_VIOLATION, intOption, MAX_SEED, oneOf, type StopSignal } from '../../errors.ts';

interface RunOpts extends CommonOpts, OutputOpts {
  strategy: string;
  free?: boolean;
  jitter?: string;
  repeat?: string;
  live?: boolean;
  liveWait?: boolean;
}

export const runJson = (r: SimResult, extra: Record<string, unknown> = {}, maxSteps?: number) => ({
  ...extra,
  quiescent: r.quiescent,
  steps: r.steps,
  ...(maxSteps !== undefined ? { maxSteps, stepLimitReached: stepLimitNote(r, maxSteps) !== null } : {}),
  trace: r.trace,
  choices: r.choices,
  objects: r.objects.all().map(objectJson),
  violations: r.violations,
});

export function register(program: Command): void {
  const cmd = program.command('run').description('run one schedule and print the timeline, the objects and the verdict');
  addOutputOptions(addCommonOptions(cmd, 'workers'))
    .option('--strategy <name>', `scheduling strategy: ${RUN_STRATEGIES.join(', ')}`, 'fifo')
    .option('--free', 'free-running: the worker threads deliver to each other directly, no scheduler; the trace is their real order')
    .option('--jitter <max_us>', 'with --free: delay each message by a seeded random 0..MAX_US microseconds')
    .option('--repeat <n>', 'with --free: run N times (seeds SEED..SEED+N-1) and count the distinct orderings and verdicts')
    .option('--live', 'serve the trace viewer on 127.0.0.1, updated as deliveries arrive (offline; until Ctrl-C)')
    .option('--live-wait', 'with --live: start the run once a browser has opened the page')
    .action(async (o: RunOpts, command: Command) => {
      const c = resolveCommon(o);
      const free = checkFree(o, c, command);
      // On workers, Ctrl-C (SIGTERM, SIGHUP) closes every thread, then the run unwinds and exits
      // 130 (143, 129). Inline keeps Node's default: the process ends at once.
      const abort = new AbortController();
      let stoppedBy: StopSignal = 'SIGINT';
      const onSignal = (s: StopSignal) => ((stoppedBy = s), abort.abort());
      const signals = Object.keys(EXIT_SIGNAL) as StopSignal[];
      if (c.transport === 'workers') for (const s of signals) process.once(s, onSignal);
      try {
        if (free) await runFreeCommand(c, free, o, abort.signal);
        else await runControlled(c, o, abort.signal);
      } catch (e) {
        if (!abort.signal.aborted) throw e;
        process.stderr.write(`svmsim: interrupted${stoppedBy === 'SIGINT' ? '' : ` by ${stoppedBy}`}\n`);
        process.exitCode = EXIT_SIGNAL[stoppedBy];
      } finally {
        for (const s of signals) process.off(s, onSignal);
      }
    });
}

async function runControlled(c: Common, o: RunOpts, signal: AbortSignal): Promise<void> {
  const strategy = makeStrategy(oneOf('strategy', o.strategy, RUN_STRATEGIES));
  const out = await startOutputs(o);
  const head = { kernel: c.variant.name, scenario: c.scenario.name, strategy: strategy.name, seed: c.seed, transport: c.transport };
  const live = await startLive(o.live, { ...head, world: buildWorld(c.scenario, c.variant) }, signal, o.liveWait);
  const transport = await makeTransport(c.transport, { signal, ...out.transport, ...(c.memo ? {} : { memo: false }) });
  const r = await simulate({ scenario: c.scenario, variant: c.variant, strategy, transport, seed: c.seed, maxSteps: c.maxSteps, onStep: live.onStep });
  printRun(r, head, o.json, `${strategy.name}, seed ${c.seed}, ${c.transport}`, c.maxSteps);
  await Promise.all([out.finish(r, head, signal), live.finish(r, signal)]);
}

function printRun(r: SimResult, head: Record<string, unknown>, json: boolean | undefined, how: string, maxSteps: number): void {
  if (json) console.log(JSON.stringify(runJson(r, head, maxSteps)));
  else {
    console.log(`svmsim run: ${String(head.scenario)} on ${String(head.kernel)} (${how})\n`);
    console.log(timeline(r.trace));
    console.log(`\n${objectTableText(r.objects.all())}\n`);
    console.log(verdictText(r.violations));
    const note = stepLimitNote(r, maxSteps);
    if (note) console.log(`\n${note}`);
  }
  process.exitCode = r.violations.length ? EXIT_VIOLATION : EXIT_OK;
}

interface Free {
  jitterUs: number;
  repeat: number;
}

function checkFree(o: RunOpts, c: Common, command: Command): Free | undefined {
  if (o.liveWait && !o.live) throw new BadInput('--live-wait needs --live');
  if (!o.free) {
    if (o.jitter !== undefined) throw new BadInput('--jitter needs --free');
    if (o.repeat !== undefined) throw new BadInput('--repeat needs --free (a controlled run repeats exactly)');
    return undefined;
  }
  if (c.transport !== 'workers') throw new BadInput('--free needs --transport workers');
  if (o.repeat !== undefined && (o.report !== undefined || o.mermaid !== undefined || o.inspect || o.live)) throw new BadInput('--report, --mermaid, --inspect and --live show one run: not with --repeat');
  if (command.getOptionValueSource('strategy') === 'cli') throw new BadInput('--strategy has no effect with --free: the threads pick the order');
  const repeat = o.repeat === undefined ? 1 : intOption('--repeat', o.repeat, 1);
  if (c.seed + repeat - 1 > MAX_SEED) throw new BadInput(`--seed ${c.seed} with --repeat ${repeat} runs seeds past ${MAX_SEED} (the strategies' seeds are 32-bit)`);
  return { jitterUs: o.jitter === undefined ? 0 : intOption('--jitter', o.jitter), repeat };
}

/** A run's verdict, as the oracles that fired (their messages name steps, which vary). */
const verdictKey = (r: SimResult) => [...new Set(r.violations.map((v) => v.oracle))].join('+') || 'OK';
/** A run's ordering: its deliveries, without the threads and clocks. */
const orderingKey = (r: SimResult) => createHash('sha1').update(JSON.stringify(r.trace.map(({ thread: _t, clock: _c, ...e }) => e))).digest('hex');

/** The runs of one verdict: how many, in how many orderings, the first seeds, its messages. */
interface Verdicts {
  oracles: string;
  runs: number;
  orderings: Set<string>;
  seeds: number[];
  messages: string[];
}

async function runFreeCommand(c: Common, f: Free, o: RunOpts, signal: AbortSignal): Promise<void> {
  const json = o.json;
  const world = buildWorld(c.scenario, c.variant);
  const out = await startOutputs(f.repeat === 1 ? o : {});
  const transport = await workersTransport({ signal, ...out.transport });
  const head = { kernel: c.variant.name, scenario: c.scenario.name, strategy: 'free', jitter: f.jitterUs, seed: c.seed, transport: 'workers' };
  const live = await startLive(o.live, { ...head, world }, signal, o.liveWait);
  try {
    if (!json && f.repeat > 1) console.log(`svmsim run --free: ${c.scenario.name} on ${c.variant.name} (jitter ${f.jitterUs} µs, seeds ${c.seed}..${c.seed + f.repeat - 1}, workers)`);
    const groups = new Map<string, Verdicts>();
    let last: SimResult | undefined;
    for (let seed = c.seed; seed < c.seed + f.repeat; seed++) {
      const run = await runFree(transport.pool, { specs: world.specs, seed, jitterUs: f.jitterUs, maxSteps: c.maxSteps, onStep: live.onStep });
      last = { ...run, ...judge(run, c.maxSteps), world, seed };
      const key = verdictKey(last);
      const g = groups.get(key) ?? groups.set(key, { oracles: key, runs: 0, orderings: new Set(), seeds: [], messages: last.violations.map((v) => v.message) }).get(key)!;
      g.runs++;
      g.orderings.add(orderingKey(last));
      if (g.seeds.length < 5) g.seeds.push(seed);
    }
    if (f.repeat === 1) {
      printRun(last!, head, json, `free-running, jitter ${f.jitterUs} µs, seed ${c.seed}, workers`, c.maxSteps);
      await Promise.all([out.finish(last!, head, signal), live.finish(last!, signal)]);
      return;
    }
    printRepeat([...groups.values()], head, f.repeat, json);
    process.exitCode = groups.has('OK') && groups.size === 1 ? EXIT_OK : EXIT_VIOLATION;
  } finally {
    await transport.close();
  }
}

function printRepeat(groups: Verdicts[], head: Record<string, unknown>, runs: number, json: boolean | undefined): void {
  const orderings = new Set(groups.flatMap((g) => [...g.orderings])).size;
  const verdicts = groups.map((g) => ({ ...g, orderings: g.orderings.size }));
  if (json) return console.log(JSON.stringify({ ...head, runs, orderings, verdicts }));
  console.log(`\n${runs} runs: ${orderings} distinct orderings, ${groups.length} distinct verdicts\n`);
  for (const v of verdicts) {
    console.log(`  ${String(v.runs).padStart(5)} runs  ${String(v.orderings).padStart(5)} orderings  ${v.oracles}   (seeds ${v.seeds.join(', ')}${v.runs > v.seeds.length ? ', ...' : ''})`);
    for (const m of v.messages) console.log(`        ${m}`);
  }
}
