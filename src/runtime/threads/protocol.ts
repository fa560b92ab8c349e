// What crosses the thread boundary between the main thread and the kind threads (workers/), and
// between the workers themselves when they run free. Plain data only: it is structured-cloned.
import type { MessagePort } from 'node:worker_threads';
import type { ActorSpec, ActorView, Delivery, KEvent } from '../types.ts';
import type { WireInspection } from './inspection.ts';

/** A worker's answer: the value, or the crash of a machine it hosts (kept apart from comlink's
 * error path, which would drop the actor and the event). Inspection events ride along. */
export type Reply<T> = { ok: T; inspections?: WireInspection[] } | { crash: Crashed; inspections?: WireInspection[] };
export interface Crashed {
  actor: string;
  event: string;
  stack: string;
}

/** Test-only: make the worker misbehave when `actor` receives `event`, to prove nothing hangs. */
export interface TestFault {
  actor: string;
  event: string;
  /** `exit`: the thread exits; `hang`: it spins forever; `uncaught`: an exception outside any machine. */
  kind: 'exit' | 'hang' | 'uncaught';
}

/** Started as `workerData`; `module` is what src/runtime/threads/entry.js imports. */
export interface KindThreadData {
  module: string;
  kind: string;
  inspect: boolean;
  fault?: TestFault;
}

/** A message between workers when running free. `ref` names it for the observer: the sending
 * worker and its send counter, so the main thread can match a delivery to the send it recorded. */
export interface WireMessage {
  epoch: number;
  ref: MsgRef;
  from: string;
  to: string;
  event: KEvent;
  /** The sender's Lamport clock when it sent. */
  clock: number;
}
export type MsgRef = `${string}:${number}`;

/** A worker's account of one delivery (or of a start) to the observer on the main thread. */
export interface Report {
  epoch: number;
  worker: string;
  /** The message delivered; null for a start. */
  ref: MsgRef | null;
  /** Start reports name the actor that started. */
  actor?: string;
  delivery: Delivery;
  /** The send counter of the first of `delivery.sends`; the rest follow in order. */
  firstSend: number;
  clock: number;
  inspections?: WireInspection[];
}

/** Free-running settings for one run. */
export interface FreeLoad {
  epoch: number;
  specs: ActorSpec[];
  /** Actor id → the worker (kind) hosting it. */
  route: Record<string, string>;
  /** Seeds the per-message jitter; each worker derives its own stream from it. */
  seed: number;
  jitterUs: number;
}

/** The main thread's view of a kind thread. */
export interface KindThreadApi {
  start(specs: ActorSpec[]): Reply<{ from: string; delivery: Delivery }[]>;
  deliver(to: string, event: KEvent, from: string): Reply<Delivery>;
  views(): ActorView[];
  /** Stateful search: journal deliveries (from the next start), and take back the last n. */
  journal(on: boolean): void;
  undo(n: number): Reply<void>;
  /** Free-running: a port to each other worker (by kind) and one to the observer. */
  connect(peers: Record<string, MessagePort>, observer: MessagePort): void;
  /** Free-running: create the actors; their start sends wait for go(). */
  load(run: FreeLoad): Reply<Report[]>;
  go(epoch: number): void;
  /** Stop delivering (the step budget is spent, or the run failed). */
  halt(): void;
  /** Resolves once every report this worker has made so far has reached the observer. */
  flush(): Promise<void>;
}

/** What a worker exposes to its peers when running free. */
export interface PeerApi {
  post(m: WireMessage): void;
}

/** The observer the main thread exposes to every worker when running free. */
export interface ObserverApi {
  report(r: Report): void;
  crash(c: Crashed & { worker: string; epoch: number }): void;
  /** Answered behind the reports on the same port (see KindThreadApi.flush). */
  flush(): void;
}
