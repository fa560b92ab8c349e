// What every search loop of `explore` shares: the transport, coverage, the verdicts kept (distinct
// end states, each oracle's first hit, written as a schedule file and shrunk), progress ticks and
// the clock. A loop hands it each run; explore() composes a loop with it (explore.ts).
import { join } from 'node:path';
import type { OracleName, Violation } from '../oracles/types.ts';
import { ActorHost } from '../runtime/host.ts';
import { makeTransport } from '../engine/transports.ts';
import type { ActorSpec, ActorView, TraceEvent, Transport } from '../runtime/types.ts';
import type { Choice } from '../runtime/run.ts';
import { buildWorld, type World } from '../scenario/world.ts';
import type { ExploringStrategy } from '../scheduler/exploring.ts';
import { simulate, type SimResult } from '../simulate.ts';
import { CoverageRecorder } from './coverage.ts';
import { endStateHash } from './end-state.ts';
import type { ExploreOptions } from './options.ts';
import type { ViolationRecord } from './result.ts';
import { SCHEDULE_FORMAT, writeScheduleFile } from './schedule-file.ts';
import { shrink } from './shrink.ts';
import { shrinkLasso } from './lasso-shrink.ts';
import { replay } from '../scheduler/replay.ts';
import { HistoryRecorder } from './history.ts';
import { HANG_WATCHDOG_MS, WorkerFault } from '../runtime/thread-faults.ts';
import { workerFaultsOf } from '../scenario/world-faults.ts';
import { breaksContracts } from '../faults/scenarios.ts';
import { firedFaults, unexplained } from '../faults/harms.ts';
import type { MemberRecord } from '../scheduler/member.ts';

/** What a schedule file says before its choices: the run it belongs to. */
type ScheduleHead = Omit<Parameters<typeof writeScheduleFile>[1], 'choices' | 'violation' | 'shrunk' | 'deliveries' | 'preemptions' | 'original'>;

/** A finished run as the loops hand it over: its verdict already made. */
export interface Judged {
  trace: () => TraceEvent[];
  choices: () => Choice[];
  steps: number;
  /** The run ended (not cut at a state explored before): it has an end state. */
  ended: boolean;
  views: ActorView[];
  objects: Parameters<typeof endStateHash>[1] | null;
  /** The oracles that fired, and (asked for only when one fires for the first time) what they found. */
  oracles: readonly OracleName[];
  violations: () => Violation[];
  preemptions: number;
}

const TICK_MS = 200;

export class Explorer {
  readonly t0 = performance.now();
  readonly world: World;
  readonly history: HistoryRecorder;
  readonly coverage: CoverageRecorder;
  readonly endStates = new Set<string>();
  readonly found = new Map<OracleName, ViolationRecord>();
  schedules = 0;
  pruned = 0;
  /** Shrinks that wait until the search has the transport no more (a stateful search holds it). */
  deferShrinks = false;
  private readonly later: (() => Promise<void>)[] = [];
  private halted = false;
  private readonly deadline: number;
  private tick = { at: performance.now(), schedules: 0, endStates: [] as string[], oracles: [] as OracleName[] };
  private yielded = performance.now();
  /** The transport every run uses; `covHost` replays deliveries for coverage when it is not inline. */
  transport!: Transport;
  covHost: ActorHost | null = null;
  /** Worker faults (a thread that crashed or hung, injected) by kind: each ended its schedule. */
  readonly workerFaults: Record<string, number> = {};
  readonly worker: string[];
  /** A composite strategy's member that made the last schedule (portfolio, guided). */
  memberOf?: () => MemberRecord;
  private readonly inspect: ReturnType<CoverageRecorder['inspector']>;

  constructor(readonly o: ExploreOptions) {
    this.history = new HistoryRecorder(this.t0);
    this.coverage = new CoverageRecorder({}, { clock: this.history.clock });
    this.world = buildWorld(o.scenario, o.variant);
    const kinds = new Map(this.world.specs.map((s) => [s.id, s.kind]));
    this.inspect = this.coverage.inspector((id) => kinds.get(id));
    this.deadline = o.seconds === undefined ? Infinity : this.t0 + o.seconds * 1000;
    this.worker = workerFaultsOf(o.scenario);
  }

  /** The transport: the caller's, or one of our own (inline: the engine's, coverage from its misses). */
  async open(): Promise<void> {
    const inline = this.o.transport === 'inline' && !this.o.open;
    this.transport = this.o.open ?? (await this.make());
    this.covHost = inline ? null : new ActorHost({ inspect: this.inspect });
  }

  private make(): Promise<Transport> {
    const inline = this.o.transport === 'inline' && !this.o.open;
    const hang = this.worker.includes('worker-hang') ? { watchdogMs: HANG_WATCHDOG_MS } : {};
    return makeTransport(this.o.transport, { inspect: inline ? this.inspect : undefined, memo: this.o.memo ?? true, ...hang });
  }

  /** One schedule; a worker fault ends it: counted, and the transport opened again (null: nothing to judge). */
  async surviving(run: () => Promise<SimResult>): Promise<SimResult | null> {
    try {
      return await run();
    } catch (e) {
      if (!(e instanceof WorkerFault) || this.o.open) throw e;
      this.workerFaults[e.kind] = (this.workerFaults[e.kind] ?? 0) + 1;
      await this.transport.close();
      this.transport = await this.make();
      return null;
    }
  }

  async close(): Promise<void> {
    this.covHost?.stop();
    if (!this.o.open) await this.transport.close();
  }

  stopped(): boolean {
    return this.halted || !!this.o.stop?.() || (this.deadline !== Infinity && performance.now() >= this.deadline);
  }

  /** One schedule under `strategy`, start to verdict. */
  runSim(strategy: ExploringStrategy, seed = 0): Promise<SimResult> {
    const o = this.o;
    return simulate({ scenario: o.scenario, variant: o.variant, strategy, transport: this.transport, seed, maxSteps: o.maxSteps, reorder: o.reorder, keepOpen: true, onStep: strategy.observe && ((ev) => strategy.observe!(ev)) });
  }

  /** A simulated run, as the loops hand runs over. */
  static ofSim(r: SimResult, preemptions: number): Judged {
    return { trace: () => r.trace, choices: () => r.choices, steps: r.steps, ended: true, views: r.views, objects: r.objects.states(), oracles: [...new Set(r.violations.map((v) => v.oracle))], violations: () => r.violations, preemptions };
  }

  /** Count a run, keep its end state and each oracle's first hit, tick, and give the event loop a
   * turn now and then. A promise only when there is something to wait for (a counterexample to
   * write and shrink, or a turn to give). */
  judged(r: Judged, schedule: number, seed: number, replayCoverage = true): void | Promise<void> {
    this.schedules++;
    if (this.covHost && replayCoverage) redeliver(this.world.specs, r.trace(), this.covHost);
    const h = r.ended && r.objects ? endStateHash(r.views, r.objects) : null;
    if (h !== null && !this.endStates.has(h)) {
      this.endStates.add(h);
      this.tick.endStates.push(h);
    }
    const now = performance.now();
    this.history.schedule(this.schedules, h, r.views, r.objects, now);
    const fresh: ViolationRecord[] = [];
    let news = false;
    for (const oracle of r.oracles) {
      const had = this.found.get(oracle);
      if (had) had.count++;
      else news = true;
    }
    // An oracle's first hit: its first violation, in the order the run reports them.
    if (news) {
      const fired = breaksContracts(this.o.scenario) ? firedFaults(r.trace()) : null;
      for (const v of r.violations()) {
        if (this.found.has(v.oracle)) continue;
        const faults = fired && { fired: [...fired.keys()].sort(), explained: !unexplained(this.o.scenario, [v], fired).length };
        const rec: ViolationRecord = { oracle: v.oracle, count: 1, schedule, seed, violation: v, ...(this.memberOf ? { member: this.memberOf() } : {}), ...(faults ? { faults } : {}) };
        this.found.set(v.oracle, rec);
        this.tick.oracles.push(v.oracle);
        fresh.push(rec);
      }
    }
    if (this.o.stopOnFirst && this.found.size) {
      this.halted = true;
      this.o.halt?.();
    }
    if (fresh.length) return this.counterexamples(fresh, r);
    this.report(false, now);
    return this.breathe(now);
  }

  private async counterexamples(recs: ViolationRecord[], r: Judged): Promise<void> {
    const choices = r.choices();
    for (const rec of recs) {
      await this.counterexample(rec, choices, r.steps, r.preemptions);
      // A find is told at once (its file written): a run that dies next still reports it.
      this.report(true);
    }
    await this.breathe();
  }

  /** Progress: what changed since the last tick (at most every 200 ms, or now). */
  report(force = false, now = performance.now()): void {
    const { o, tick } = this;
    if (!o.onProgress || (!force && now - tick.at < TICK_MS)) return;
    o.onProgress({ schedules: this.schedules - tick.schedules, endStates: tick.endStates, oracles: tick.oracles, coverage: this.coverage.data() });
    this.tick = { at: performance.now(), schedules: this.schedules, endStates: [], oracles: [] };
  }

  /** Inline runs resolve as microtasks only: give the event loop a turn now and then, or Ctrl-C
   * (a signal handler) and the progress bar would wait for the end. */
  breathe(now = performance.now()): void | Promise<void> {
    if (now - this.yielded < 50) return;
    return new Promise<void>((ok) => setImmediate(ok)).then(() => void (this.yielded = performance.now()));
  }

  /** Shrinks deferred while the search held the transport. */
  async shrinkDeferred(): Promise<void> {
    this.deferShrinks = false;
    for (const s of this.later.splice(0)) await s();
  }

  private async counterexample(rec: ViolationRecord, choices: Choice[], steps: number, preemptions: number): Promise<void> {
    const o = this.o;
    if (!o.out || !(o.claim?.(rec.oracle) ?? true)) return;
    const file = join(o.out, `${rec.oracle}.json`);
    const base: ScheduleHead = { format: SCHEDULE_FORMAT, ...(o.runId ? { run: o.runId } : {}), kernel: o.variant.name, scenario: o.scenario, strategy: o.strategy, seed: rec.seed, schedule: rec.schedule, transport: o.transport, reorder: o.reorder, maxSteps: o.maxSteps, ...(rec.member ? { member: rec.member } : {}) };
    writeScheduleFile(file, { ...base, choices, violation: rec.violation, shrunk: false, deliveries: steps, preemptions });
    Object.assign(rec, { file, deliveries: steps, preemptions });
    if (o.shrink === false) return;
    const job = () => this.shrinkInto(file, base, rec, choices, { deliveries: steps, preemptions });
    if (this.deferShrinks) this.later.push(job);
    else await job();
  }

  /** Shrink a counterexample written as found, and write it again over `file`. */
  private async shrinkInto(file: string, base: ScheduleHead, rec: ViolationRecord, choices: Choice[], original: { deliveries: number; preemptions: number }): Promise<void> {
    // A candidate that a worker fault ends reproduces nothing.
    if (rec.violation.lasso) return this.shrinkLassoInto(file, base, rec, choices, original);
    const run = async (st: ExploringStrategy) => (await this.breathe(), (await this.surviving(() => this.runSim(st))) ?? ({ violations: [] } as unknown as SimResult));
    const s = await shrink({ choices, oracle: rec.oracle, run, stop: this.o.stop });
    if (!s) return;
    const { best } = s;
    writeScheduleFile(file, { ...base, choices: best.choices, violation: best.violation, shrunk: true, deliveries: best.deliveries, preemptions: best.preemptions, original });
    Object.assign(rec, { deliveries: best.deliveries, preemptions: best.preemptions, original });
  }

  /** A livelock's lasso, shrunk as a lasso: its prefix and its cycle (src/explore/lasso-shrink.ts). */
  private async shrinkLassoInto(file: string, base: ScheduleHead, rec: ViolationRecord, choices: Choice[], original: { deliveries: number; preemptions: number }): Promise<void> {
    const s = await shrinkLasso({ specs: this.world.specs, transport: this.transport, choices, prefix: rec.violation.lasso!.prefix, stop: this.o.stop });
    if (!s) return;
    const { prefix, cycle, run } = s.best;
    const n = prefix.length + cycle.length;
    // The choices as a strict replay makes them (each with how many it picked from).
    const ran = (await this.runSim(replay([...prefix, ...cycle]))).choices.slice(0, n);
    writeScheduleFile(file, { ...base, choices: ran, violation: run.violation!, shrunk: true, deliveries: n, preemptions: run.preemptions, original });
    Object.assign(rec, { violation: run.violation!, deliveries: n, preemptions: run.preemptions, original });
  }
}

/** The deliveries of a trace, handed again to an inline host that feeds xstate's inspection
 * events to the coverage: coverage for transports that keep their actors elsewhere. */
function redeliver(specs: ActorSpec[], trace: TraceEvent[], host: ActorHost): void {
  host.start(specs);
  for (const ev of trace) if (ev.seq >= 0) host.deliver(ev.to, { type: ev.event, ...ev.args }, ev.from);
}
