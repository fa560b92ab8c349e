// Builders for what machines emit. Kept tiny: a machine's actions call these inside emit().
import type { Emitted } from './objects.ts';

type Ev = { type: string; [k: string]: unknown };

/** A message to another actor (or to self). `lane` gives it a channel of its own. */
export const send = (to: string, event: Ev, lane?: string): Emitted =>
  ({ type: 'send', to, event: lane ? { ...event, lane } : event }) as Emitted;

/** The return of a call: `ret.<fn>` to the caller, with results. */
export const ret = (caller: { from: string; fn: string } | null | undefined, extra: Record<string, unknown> = {}): Emitted =>
  caller ? send(caller.from, { type: `ret.${caller.fn}`, ...extra }) : noop;

export const access = (obj: string, how: string, mm?: string): Emitted => ({ type: 'access', obj, how, ...(mm ? { mm } : {}) });

export const bug = (oracle: Extract<Emitted, { type: 'bug' }>['oracle'], message: string): Emitted => ({ type: 'bug', oracle, message });

export const warn = (message: string): Emitted => ({ type: 'warn', message });

/** Emitting nothing: xstate's emit() needs an event, the host ignores this one. */
export const noop = { type: 'noop' } as unknown as Emitted;

/** The caller of the event being handled: the host stamps `from` on every delivery. */
export const callerOf = (event: Ev): { from: string; fn: string } => ({ from: String(event.from), fn: event.type });
