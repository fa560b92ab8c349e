// Deliveries per second on each transport, each beside its floor measured in this same run:
//   controlled workers  vs a bare comlink round trip between the main thread and one worker,
//                       carrying a delivery's arguments and reply (issue target: ≤ 2×)
//   free-running        vs a bare comlink round trip between two workers (a free delivery is one
//                       comlink call between workers plus a report)
//   inline              vs a bare xstate actor.send of a two-state machine (issue target: ≤ 3×),
//                       and vs the model's own floor: the same run's deliveries replayed straight
//                       into bare actors of the same machines (no scheduler, no trace, no oracles),
//                       which splits an inline delivery into the machines' work and the runtime's
// A delivery here is a whole simulate(): world, scheduler, transport and oracles. The inline
// figures, single-threaded on both sides, are medians of fifteen 0.16 s rounds in CPU time, taken
// in turn with their floor. The workers figures swing with the OS's thread wake-ups on a loaded
// machine, so they are measured in 16 pairs of short rounds (about 250 ms each, subject and floor,
// which goes first alternating): their ratio is the median of the 16 per-pair ratios, with the
// interquartile range beside it. The kind threads are warmed up for 3 s first: each sees one
// delivery in eight, so V8 takes eight times as long as inline to optimise the machines there.
import * as Comlink from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { createActor } from 'xstate';
import { actorSend, median, sideBySideCpu } from '../measure.ts';
import { machines } from '../../machines/index.ts';
import type { BenchSection } from '../index.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { judge } from '../../src/oracles/index.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import type { Transport } from '../../src/runtime/types.ts';
import { workersTransport } from '../../src/runtime/threads/controlled.ts';
import { runFree } from '../../src/runtime/threads/free.ts';
import type { WorkerPool } from '../../src/runtime/threads/pool.ts';
import { spawnWorker, type Spawned } from '../../src/runtime/threads/spawn.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { simulate } from '../../src/simulate.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import type { EchoApi } from '../echo-thread.ts';

const ROUND_MS = 800;
const scenario = loadScenario('exit-with-mmap');
const variant = variantByName('fixed');
const specs = buildWorld(scenario, variant).specs;

/** Rate of `step` (which returns how many things it did) over about `ms`. */
async function rate(step: () => Promise<number> | number, ms = ROUND_MS): Promise<number> {
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) n += await step();
  return n / ((performance.now() - t0) / 1000);
}

const simulated = (transport: Transport) => async () => (await simulate({ scenario, variant, strategy: fifo(), transport, keepOpen: true })).steps;

const freeRunning = (pool: WorkerPool) => async () => {
  const run = await runFree(pool, { specs });
  judge(run, 2000);
  return run.steps;
};

/** The model's floor: one fifo run's deliveries sent straight to bare actors of the same machines.
 * As in simulate(), each run has actors of its own, started from their initial snapshots (computed
 * once, as the host does), so both sides leave out the same start-up work. */
async function modelReplay(): Promise<() => number> {
  const run = await simulate({ scenario, variant, strategy: fifo(), transport: inlineTransport() });
  const sends = run.trace.filter((e) => e.from !== 'boot').map((e) => ({ to: e.to, event: { type: e.event, ...e.args, from: e.args.from ?? e.from } }));
  const initial = specs.map((s) => createActor(machines[s.kind]!, { input: s.input }).getSnapshot());
  return () => {
    const actors = new Map(specs.map((s, i) => [s.id, createActor(machines[s.kind]!, { snapshot: initial[i] })]));
    for (const a of actors.values()) {
      a.on('*', () => {});
      a.start();
    }
    for (const m of sends) actors.get(m.to)!.send(m.event);
    for (const a of actors.values()) a.stop();
    return sends.length;
  };
}

const PAIRS = 16;
const PAIR_MS = 250;
const WARM_MS = 3000;

/** 16 pairs of short rounds of `subject` and `floor`, the order flipping each pair, after a
 * warm-up: the median rates, and the median and interquartile range of the per-pair ratios
 * floor/subject (a slow spell of the machine slows both rounds of its pair alike). */
async function paired(subject: () => Promise<number> | number, floor: () => Promise<number> | number, warmMs = PAIR_MS) {
  await rate(subject, warmMs);
  await rate(floor, PAIR_MS);
  const s: number[] = [];
  const f: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2) f.push(await rate(floor, PAIR_MS));
    s.push(await rate(subject, PAIR_MS));
    if (!(i % 2)) f.push(await rate(floor, PAIR_MS));
    ratios.push(f[i]! / s[i]!);
  }
  const sorted = [...ratios].sort((x, y) => x - y);
  const q = (p: number) => +sorted[Math.round(p * (sorted.length - 1))]!.toFixed(2);
  return { perS: Math.round(median(s)), floorPerS: Math.round(median(f)), ratio: +median(ratios).toFixed(2), ratioIqr: [q(0.25), q(0.75)] };
}

/** A typical controlled delivery (step 41 of the fifo run): what deliver() is given, and the reply. */
const TYPICAL = {
  args: ['mm#1', { type: 'handle_mm_fault', ctx: 'prq', vma: 'vma#1', addr: 16, write: true, forMm: 'mm#1' }, 'prq'] as const,
  reply: {
    ok: {
      state: 'lifecycle.live|op.idle',
      waiting: false,
      sends: [{ to: 'prq', event: { type: 'ret.handle_mm_fault', ret: 0 } }],
      effects: [
        { op: 'access', obj: 'vma#1', how: 'handle_mm_fault' },
        { op: 'alloc', obj: 'pt#1.1', kind: 'pt', owner: 'process#1', init: {} },
      ],
    },
  },
};

/** The floors, 100 round trips a batch. Main ↔ worker: the main thread awaits one worker's
 * answer() with a typical delivery's arguments and reply, the hop of a controlled delivery
 * (main → the receiver's worker → main) without the delivery's work. Worker ↔ worker: worker A
 * awaits worker B's echo of a message over a MessageChannel, the hop of a free-running delivery. */
async function comlinkRoundTrips() {
  const [a, b] = ['echo-a', 'echo-b'].map((n) => spawnWorker<EchoApi>(n, { module: '../../../bench/echo-thread.ts' })) as [Spawned<EchoApi>, Spawned<EchoApi>];
  await Promise.all([a.ready, b.ready]);
  const { port1, port2 } = new MessageChannel();
  await b.api.serve(Comlink.transfer(port2, [port2]));
  await a.api.connect(Comlink.transfer(port1, [port1]));
  await a.api.answerWith(TYPICAL.reply);
  const answer = a.api.answer;
  const message = { seq: 41, cause: 40, from: 'process#1', to: 'mm#1', event: { type: 'mmput', ctx: 'process#1' } };
  const mainToWorker = async () => {
    for (let i = 0; i < 100; i++) await answer(...TYPICAL.args);
    return 100;
  };
  const workerToWorker = async () => {
    await a.api.ping(100, message);
    return 100;
  };
  return { mainToWorker, workerToWorker, close: () => Promise.all([a.close(), b.close()]) };
}

/** A trivial call (views) to each kind thread in turn, 80 a batch: the main thread's hop
 * pattern in a controlled run (each thread woken for one call in eight), with next to no work at
 * the other end. */
const hops = (pool: WorkerPool) => {
  const views = [...pool.workers.values()].map((w) => w.api.views);
  return async () => {
    for (let i = 0; i < 80; i++) await views[i % views.length]!();
    return 80;
  };
};

export const section: BenchSection = {
  name: 'transport',
  async run() {
    const inline = inlineTransport();
    const [inlinePerS, sendPerS] = await sideBySideCpu(simulated(inline), actorSend(), ROUND_MS / 5);
    const [inlineAgainPerS, modelPerS] = await sideBySideCpu(simulated(inline), await modelReplay(), ROUND_MS / 5);
    const rt = await comlinkRoundTrips();
    const workers = await workersTransport();
    try {
      const controlled = await paired(simulated(workers), rt.mainToWorker, WARM_MS);
      const perKind = await paired(hops(workers.pool), rt.mainToWorker);
      const free = await paired(freeRunning(workers.pool), rt.workerToWorker);
      const r = (x: number) => Math.round(x);
      return {
        scenario: `${scenario.name} on ${variant.name}, fifo`,
        inline: { deliveriesPerS: r(inlinePerS), actorSendPerS: r(sendPerS), ratio: +(sendPerS / inlinePerS).toFixed(2), target: 3 },
        // The same deliveries into bare actors of the kernel machines: what the model itself costs.
        inlineVsModel: {
          deliveriesPerS: r(inlineAgainPerS),
          modelSendPerS: r(modelPerS),
          runtimeOverhead: +(modelPerS / inlineAgainPerS).toFixed(2),
          modelVsTwoStateSend: +(sendPerS / modelPerS).toFixed(2),
        },
        controlled: { deliveriesPerS: controlled.perS, mainWorkerRoundTripPerS: controlled.floorPerS, ratio: controlled.ratio, ratioIqr: controlled.ratioIqr, target: 2 },
        // Where a controlled delivery's time goes: a trivial call to each kind thread in turn
        // (the thread hops of a run, without the machines' work).
        perKindCall: { callsPerS: perKind.perS, mainWorkerRoundTripPerS: perKind.floorPerS, ratio: perKind.ratio, ratioIqr: perKind.ratioIqr },
        free: { deliveriesPerS: free.perS, workerWorkerRoundTripPerS: free.floorPerS, ratio: free.ratio, ratioIqr: free.ratioIqr },
      };
    } finally {
      await workers.close();
      await rt.close();
    }
  },
};
