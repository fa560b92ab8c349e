// Transport by name: `inline` (one thread) or `workers` (one worker thread per actor kind).
import type { InspectionEvent } from 'xstate';
import { BadInput } from '../variants/variants.ts';
import { memoTransport } from './memo.ts';
import { inlineTransport } from '../runtime/inline.ts';
import type { Transport } from '../runtime/types.ts';
import type { WireInspection } from '../runtime/threads/inspection.ts';
import { workersTransport } from '../runtime/threads/controlled.ts';

export const TRANSPORTS = ['inline', 'workers'] as const;
export type TransportName = (typeof TRANSPORTS)[number];
export type { WireInspection };

export interface TransportOptions {
  /** Every actor's xstate inspection events: xstate's own on `inline`; on `workers`, plain copies
   * (WireInspection) tagged with the worker (the actor kind) that ran the actor. */
  inspect?: (e: InspectionEvent | WireInspection) => void;
  /** workers: aborting (Ctrl-C) ends every thread; calls in flight reject. */
  signal?: AbortSignal;
  /** workers: how long a worker may leave a call unanswered (default 10 s). */
  watchdogMs?: number;
  /** inline: the transition table (src/engine/memo.ts), each local transition run once. On by
   * default, off with `inspect` unless asked for: the table runs a transition's xstate code only
   * the first time, so an inspector would see only those (explore's coverage needs no more). */
  memo?: boolean;
}

export async function makeTransport(name: string, opts: TransportOptions = {}): Promise<Transport> {
  switch (name) {
    case 'inline':
      return (opts.memo ?? !opts.inspect) ? memoTransport({ inspect: opts.inspect }) : inlineTransport({ inspect: opts.inspect });
    case 'workers':
      return workersTransport(opts);
    default:
      throw new BadInput(`unknown transport '${name}' (valid: ${TRANSPORTS.join(', ')})`);
  }
}
