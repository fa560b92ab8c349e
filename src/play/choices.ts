// A deliverable message as `svmsim play` offers it: in kernel words (sender → receiver, the kernel
// function or its return, the arguments), and, when it is one outcome of a fault's race (a fault
// is a scheduling choice: src/scenario/fault-kinds.ts), which fault it is.
import { FAULT_KINDS, isFaultName } from '../scenario/fault-kinds.ts';
import { channelOf, type Message } from '../runtime/types.ts';

export interface PlayChoice {
  /** Its place among the deliverable messages (seq order). */
  i: number;
  /** The schedule's choice for it: its channel and its place in that channel's queue. */
  ch: string;
  k: number;
  seq: number;
  from: string;
  to: string;
  /** The kernel function the message calls (`mmput`), or returns from (`ret.mmput`). */
  fn: string;
  args: Record<string, unknown>;
  /** `process#1 → mm#1 · mmput(ctx: 3)`. */
  text: string;
  /** call, return, a fault's outcome that fires it, or the outcome that lets the message pass. */
  kind: 'call' | 'return' | 'fault' | 'pass';
  /** kind `fault`: the fault (a FAULT_KINDS name) and what it does. */
  fault?: string;
  what?: string;
  /** The message the history goes on with (redo, or the next step of a --from file). */
  next?: boolean;
}

/** The timers that race a reply, by their event: which fault fires when the timer goes first. */
const TIMERS: Record<string, string> = { page_timeout: 'device-timeout', dma_stop_timeout: 'dma-stop-slow' };

/** The fault a message fires when delivered first in its race (null: none). Outcomes travel on lanes
 * of their own: `fault.<kind>` (machines/injector.ts, machines/dma.ts' retry) or `timer`. */
export function faultOf(m: Pick<Message, 'event'>): string | null {
  const lane = m.event.lane === undefined ? '' : String(m.event.lane);
  if (lane.startsWith('fault.')) return lane.slice('fault.'.length);
  if (lane === 'timer') return TIMERS[m.event.type] ?? 'timer';
  return null;
}

const value = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The arguments a kernel reader wants: the event's fields but its type, its lane and who sent it. */
export function argsOf(m: Pick<Message, 'event'>): Record<string, unknown> {
  const { type: _t, lane: _l, from: _f, ...args } = m.event;
  return args;
}

/** `mmput(ctx: 3, addr: 16)`, `returns from mmput`. */
export function callText(fn: string, args: Record<string, unknown>): string {
  const list = Object.entries(args)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${value(v)}`)
    .join(', ');
  return fn.startsWith('ret.') ? `returns from ${fn.slice(4)}${list ? ` (${list})` : ''}` : `${fn}(${list})`;
}

export function describe(m: Message, i: number, k: number): PlayChoice {
  const args = argsOf(m);
  const fault = faultOf(m);
  const pass = m.event.lane === 'pass';
  const kind: PlayChoice['kind'] = fault ? 'fault' : pass ? 'pass' : m.event.type.startsWith('ret.') ? 'return' : 'call';
  const c: PlayChoice = { i, ch: channelOf(m), k, seq: m.seq, from: m.from, to: m.to, fn: m.event.type, args, text: `${m.from} → ${m.to} · ${callText(m.event.type, args)}`, kind };
  if (fault) {
    c.fault = fault;
    c.what = isFaultName(fault) ? FAULT_KINDS[fault].what : `a fault (${fault})`;
    c.text = `FAULT ${fault}: ${c.text}`;
  } else if (pass) c.text = `no fault: ${c.text}`;
  return c;
}

/** Every deliverable message described, each with its queue position in its channel. */
export function describeAll(enabled: readonly Message[]): PlayChoice[] {
  const seen = new Map<string, number>();
  return enabled.map((m, i) => {
    const ch = channelOf(m);
    const k = seen.get(ch) ?? 0;
    seen.set(ch, k + 1);
    return describe(m, i, k);
  });
}
