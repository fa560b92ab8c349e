// A played history: the user chooses every delivery. The session walks the engine's global state
// (src/engine/state.ts) on the transition table (src/engine/memo.ts), so a step is a table lookup
// and an undo restores interned ids: no run is replayed to go back. It keeps the history as a
// line of choices and a cursor into it: undo and redo move the cursor, a step that differs from
// the line's next choice cuts the line there (a deviation), going to any point delivers or takes
// back up to it. At every point it lists what can be delivered (in kernel words, grouped by
// receiver, faults marked), and judges the oracles; it runs to quiescence under a strategy, hands
// its prefix to `explore`, and saves the line as a schedule file that `svmsim replay` runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlobalState } from '../engine/state.ts';
import { memoTransport } from '../engine/memo.ts';
import type { Violation } from '../oracles/types.ts';
import type { Choice } from '../runtime/run.ts';
import type { ActorView, Message, TraceEvent, Transport } from '../runtime/types.ts';
import type { Strategy } from '../runtime/strategy.ts';
import { buildWorld, type World } from '../scenario/world.ts';
import type { Scenario } from '../scenario/schema.ts';
import { fifo } from '../scheduler/fifo.ts';
import { makeExploreStrategy, type ExploreStrategyName } from '../scheduler/index.ts';
import { indexOfChoice } from '../scheduler/replay.ts';
import { explore } from '../explore/explore.ts';
import { readScheduleFile, SCHEDULE_FORMAT, writeScheduleFile, type Schedule } from '../explore/schedule-file.ts';
import { objectJson } from '../trace/objects.ts';
import { BadInput, type Variant } from '../variants/variants.ts';
import { describeAll, type PlayChoice } from './choices.ts';
import { judgeAt } from './judge.ts';

/** Strategies that finish a run from the cursor (one schedule each). */
export const RUN_STRATEGIES = ['fifo', 'random', 'pct', 'delay', 'probabilistic'] as const;
export type RunStrategy = (typeof RUN_STRATEGIES)[number];
/** Strategies "explore from here" may use: the seeded ones (each schedule starts with the prefix). */
export const HERE_STRATEGIES = ['portfolio', 'random', 'pct', 'delay', 'probabilistic', 'guided'] as const;
export type HereStrategy = (typeof HERE_STRATEGIES)[number];
export const DEFAULT_HERE_SCHEDULES = 200;

/** An action the session refuses (a choice not deliverable, a point outside the history). */
export class PlayError extends Error {}

export interface PlayOptions {
  scenario: Scenario;
  variant: Variant;
  maxSteps: number;
  /** A history to start from (a --from file's choices): the cursor stays at 0, redo follows it. */
  line?: Choice[];
  /** Where the line came from, for the page. */
  from?: string;
}

/** What "explore from here" found: each oracle's first hit, with the choices that reach it. */
export interface HereResult {
  /** The cursor it started from: every schedule began with that many of the history's choices. */
  at: number;
  strategy: HereStrategy;
  seed: number;
  schedules: number;
  endStates: number;
  seconds: number;
  found: { oracle: string; count: number; schedule: number; message: string; step: number; choices: Choice[] }[];
}

/** One receiver's deliverable messages. */
export interface ChoiceGroup {
  to: string;
  kind: string;
  choices: PlayChoice[];
}

export interface PlaySnapshot {
  /** One more at every change: a page that has it is up to date. */
  version: number;
  scenario: string;
  kernel: string;
  faults: string[];
  maxSteps: number;
  from: string | null;
  actors: { id: string; kind: string }[];
  /** The cursor: deliveries made. */
  at: number;
  /** The whole history (beyond `at`: what redo takes), each choice with its trace line when known. */
  line: (Choice & { event?: TraceEvent })[];
  /** The trace up to the cursor (start-up steps first: `boots` of them). */
  trace: TraceEvent[];
  boots: number;
  views: ActorView[];
  groups: ChoiceGroup[];
  violations: Violation[];
  /** Trace steps of this point's newest delivery whose violations are new at this point. */
  quiescent: boolean;
  /** The step limit is reached with messages in flight. */
  capped: boolean;
  objects: ReturnType<typeof objectJson>[];
  /** The history's next choice is not deliverable here (a --from file of another kernel or world). */
  diverged: boolean;
  here: HereResult | null;
  busy: string | null;
}

export class PlaySession {
  readonly world: World;
  private g!: GlobalState;
  private readonly transport: Transport;
  private line: Choice[];
  /** Each delivered choice's trace event, as far as the line has been walked. */
  private events: TraceEvent[] = [];
  private boots = 0;
  private version = 0;
  private here: HereResult | null = null;
  private busy: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private cached: PlaySnapshot | null = null;
  /** Called after every change (the server pushes the new snapshot). */
  onChange: (() => void) | null = null;

  private constructor(readonly o: PlayOptions) {
    this.world = buildWorld(o.scenario, o.variant);
    this.transport = memoTransport();
    this.line = [...(o.line ?? [])];
  }

  static async open(o: PlayOptions): Promise<PlaySession> {
    const s = new PlaySession(o);
    await s.restart();
    return s;
  }

  /** A --from file's history on its own world (or on the kernel and faults given instead). */
  static async fromFile(path: string, override: { variant?: Variant; scenario?: (s: Scenario) => Scenario; maxSteps?: number } = {}): Promise<PlaySession> {
    const f = readScheduleFile(path);
    const scenario = override.scenario ? override.scenario(f.scenario) : f.scenario;
    const s = await PlaySession.open({ scenario, variant: override.variant ?? f.variant, maxSteps: override.maxSteps ?? f.maxSteps, line: f.choices, from: path });
    // On its own world the file must replay to its end (as `svmsim replay` would), or it is bad input.
    if (!override.variant && !override.scenario) {
      const n = s.walk(f.choices.length);
      if (n < f.choices.length) throw new BadInput(`${path}: the schedule no longer replays: its choice ${n + 1} of ${f.choices.length} (${f.choices[n]!.ch}) is not deliverable at step ${n}`);
      s.back(0);
    }
    return s;
  }

  get at(): number {
    return this.g.depth;
  }

  get length(): number {
    return this.line.length;
  }

  private async restart(): Promise<void> {
    await this.transport.journal!(true);
    this.g = new GlobalState(this.transport, false);
    await this.g.boot(this.world.specs);
    this.boots = this.g.trace.length;
  }

  /** Actions one at a time, in the order they came (two pages may click at once). */
  private act<T>(name: string, f: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.busy = name;
      // A long action (an exploration) is shown as under way to every page.
      if (name === 'explore') this.changed();
      try {
        return await f();
      } finally {
        this.busy = null;
        this.changed();
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private changed(): void {
    this.version++;
    this.cached = null;
    this.onChange?.();
  }

  /** Deliver the enabled message `i` (the line's next choice or a deviation from it). */
  private deliver(enabled: Message[], i: number): void {
    const at = this.at;
    void this.g.deliver(enabled[i]!, enabled);
    const c = this.g.choices[at]!;
    const ev = this.g.trace[this.g.trace.length - 1]!;
    const same = this.line[at] && this.line[at]!.ch === c.ch && this.line[at]!.k === c.k;
    if (!same) {
      this.line.length = at;
      this.events.length = at;
    }
    this.line[at] = c;
    this.events[at] = ev;
  }

  /** Follow the line up to `n` deliveries (or as far as it can be followed); returns where it stopped. */
  private walk(n: number): number {
    while (this.at < n) {
      const enabled = this.g.enabled();
      const i = indexOfChoice(enabled, this.line[this.at]!);
      if (i < 0) break;
      this.deliver(enabled, i);
    }
    return this.at;
  }

  private back(n: number): void {
    void this.g.undoTo(n);
  }

  /** Deliver the message of channel `ch` at queue position `k` (0: its head). */
  step(choice: { ch: string; k?: number }): Promise<number> {
    return this.act('step', () => {
      const enabled = this.g.enabled();
      const i = indexOfChoice(enabled, { ch: choice.ch, k: choice.k ?? 0 });
      if (i < 0) throw new PlayError(`${choice.ch}${choice.k ? ` (position ${choice.k})` : ''} is not deliverable at step ${this.at}`);
      if (this.at >= this.o.maxSteps) throw new PlayError(`the step limit (${this.o.maxSteps}) is reached`);
      this.deliver(enabled, i);
      return this.at;
    });
  }

  undo(): Promise<number> {
    return this.goTo(this.at - 1);
  }

  redo(): Promise<number> {
    return this.goTo(this.at + 1);
  }

  /** Go to point `n` of the history: take deliveries back, or deliver the line's next ones. */
  goTo(n: number): Promise<number> {
    return this.act('go', () => {
      if (!Number.isInteger(n) || n < 0 || n > this.line.length) throw new PlayError(`no point ${n} in a history of ${this.line.length} steps`);
      if (n < this.at) this.back(n);
      else if (this.walk(n) < n) throw new PlayError(`the history's choice ${this.at + 1} (${this.line[this.at]!.ch}) is not deliverable here`);
      return this.at;
    });
  }

  /** Finish the run from the cursor: `strategy` (seeded) picks until nothing is in flight or the
   * step limit. The history after the cursor is replaced by what it chose. */
  run(strategy: RunStrategy = 'fifo', seed = 0): Promise<number> {
    return this.act('run', () => {
      const from = this.at;
      const s = this.strategyOf(strategy, seed);
      s.beginRun(seed);
      let enabled = this.g.enabled();
      while (enabled.length && this.at < this.o.maxSteps) {
        const i = s.pick(enabled, this.at - from);
        if (!enabled[i]) throw new PlayError(`strategy ${s.name} picked ${i} of ${enabled.length}`);
        this.deliver(enabled, i);
        enabled = this.g.enabled();
      }
      this.line.length = this.at;
      this.events.length = this.at;
      return this.at;
    });
  }

  private strategyOf(name: RunStrategy, seed: number): Strategy {
    if (!(RUN_STRATEGIES as readonly string[]).includes(name)) throw new PlayError(`unknown strategy '${name}' (valid: ${RUN_STRATEGIES.join(', ')})`);
    if (name === 'fifo') return fifo();
    return makeExploreStrategy(name as ExploreStrategyName, { seed, steps: this.fifoLength() });
  }

  /** How many deliveries fifo would still make from here (pct and delay place their points within
   * that): run it and take it back, which the engine does by table lookups. */
  private fifoLength(): number {
    const from = this.at;
    const f = fifo();
    let enabled = this.g.enabled();
    while (enabled.length && this.g.depth < this.o.maxSteps) {
      void this.g.deliver(enabled[f.pick(enabled, this.g.depth - from)]!, enabled);
      enabled = this.g.enabled();
    }
    const n = this.g.depth - from;
    this.back(from);
    return Math.max(1, n);
  }

  /** Hand the history up to the cursor to `explore`: every schedule starts with it. */
  exploreHere(o: { strategy?: HereStrategy; schedules?: number; seed?: number } = {}): Promise<HereResult> {
    return this.act('explore', async () => {
      const strategy = o.strategy ?? 'portfolio';
      if (!(HERE_STRATEGIES as readonly string[]).includes(strategy)) throw new PlayError(`unknown strategy '${strategy}' (valid: ${HERE_STRATEGIES.join(', ')})`);
      const schedules = o.schedules ?? DEFAULT_HERE_SCHEDULES;
      const seed = o.seed ?? 0;
      const prefix = this.g.choices.slice();
      const dir = mkdtempSync(join(tmpdir(), 'svmsim-play-'));
      try {
        const r = await explore({ scenario: this.o.scenario, variant: this.o.variant, strategy, schedules, seed, maxSteps: this.o.maxSteps, transport: 'inline', reorder: false, prefix, out: dir, shrink: false });
        const found = r.violations.map((v) => ({ oracle: v.oracle, count: v.count, schedule: v.schedule, message: v.violation.message, step: v.violation.step, choices: v.file ? readScheduleFile(v.file).choices : [] }));
        this.here = { at: prefix.length, strategy, seed, schedules: r.schedules, endStates: r.endStates.length, seconds: r.seconds, found };
        return this.here;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  /** Take what "explore from here" found for one oracle as the history after its prefix (the
   * cursor goes to the prefix's end; redo steps through the rest). */
  takeFound(index: number): Promise<number> {
    return this.act('take', () => {
      const f = this.here?.found[index];
      if (!f) throw new PlayError(`no explored find ${index}`);
      this.back(Math.min(this.at, this.here!.at));
      if (this.walk(this.here!.at) < this.here!.at) throw new PlayError('the history changed since that exploration');
      this.line = [...this.line.slice(0, this.at), ...f.choices.slice(this.at)];
      this.events.length = this.at;
      return this.at;
    });
  }

  /** The history up to the cursor (`all`: the whole line, redo included) as a schedule file. */
  schedule(all = false): Promise<Schedule> {
    return this.act('save', () => {
      const at = this.at;
      if (all) this.walk(this.line.length);
      const s = this.scheduleNow();
      this.back(at);
      return s;
    });
  }

  private scheduleNow(): Schedule {
    const snap = this.judged();
    const v = snap.violations[0];
    const violation = v && { oracle: v.oracle, message: v.message, step: v.step, ...(v.objects ? { objects: v.objects } : {}), ...(v.actors ? { actors: v.actors } : {}) };
    const choices = this.g.choices.slice();
    return {
      format: SCHEDULE_FORMAT,
      kernel: this.o.variant.name,
      scenario: this.o.scenario,
      strategy: 'play',
      seed: 0,
      schedule: 0,
      transport: 'inline',
      reorder: false,
      maxSteps: this.o.maxSteps,
      choices,
      ...(violation ? { violation } : {}),
      shrunk: false,
      deliveries: choices.length,
      preemptions: this.g.preempted[choices.length] ?? 0,
    };
  }

  /** Write the schedule (temp name, then rename); returns it. */
  async save(path: string, all = false): Promise<Schedule> {
    const s = await this.schedule(all);
    writeScheduleFile(path, s);
    return s;
  }

  private judged() {
    const trace = this.g.trace;
    const views = this.transport.viewsNow!();
    const quiescent = this.g.pending === 0;
    const capped = !quiescent && this.at >= this.o.maxSteps;
    const { objects, violations } = judgeAt(trace, views, quiescent, quiescent || capped, this.o.maxSteps);
    return { trace, views, quiescent, capped, objects, violations };
  }

  snapshot(): PlaySnapshot {
    if (this.cached && this.cached.busy === this.busy) return this.cached;
    const { trace, views, quiescent, capped, objects, violations } = this.judged();
    const kinds = new Map(this.world.specs.map((s) => [s.id, s.kind]));
    const enabled = this.at < this.o.maxSteps ? describeAll(this.g.enabled()) : [];
    const next = this.line[this.at];
    for (const c of enabled) if (next && c.ch === next.ch && c.k === next.k) c.next = true;
    const groups = new Map<string, ChoiceGroup>();
    for (const c of enabled) {
      let g = groups.get(c.to);
      if (!g) groups.set(c.to, (g = { to: c.to, kind: kinds.get(c.to) ?? '', choices: [] }));
      g.choices.push(c);
    }
    this.cached = {
      version: this.version,
      scenario: this.o.scenario.name,
      kernel: this.o.variant.name,
      faults: [...new Set((this.o.scenario.faults ?? []).map((f) => f.kind))],
      maxSteps: this.o.maxSteps,
      from: this.o.from ?? null,
      actors: this.world.specs.map((s) => ({ id: s.id, kind: s.kind })),
      at: this.at,
      line: this.line.map((c, i) => (this.events[i] ? { ...c, event: this.events[i] } : { ...c })),
      trace: trace.slice(),
      boots: this.boots,
      views,
      groups: [...groups.values()],
      violations,
      quiescent,
      capped,
      objects: objects.all().map(objectJson),
      diverged: !!next && !enabled.some((c) => c.next),
      here: this.here,
      busy: this.busy,
    };
    return this.cached;
  }

  /** Wait for the actions in flight. */
  idle(): Promise<void> {
    return this.queue.then(() => {});
  }

  async close(): Promise<void> {
    await this.idle();
    await this.transport.close();
  }
}
