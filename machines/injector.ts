// The fault injector (P: "failure injection is just another machine"). It exists only in a world
// that allows a response fault or a worker fault. A message that may suffer a fault reaches it as
// `inject`; it then sends itself one message per outcome, each on a lane of its own: `pass` (the
// message goes through) and `fault.<kind>` (it is lost, duplicated...). Whichever the scheduler
// delivers first decides; the others are consumed as stale. So a fault is literally a scheduling
// choice, recorded, searched, shrunk and replayed like any other. `pass` is sent first: the
// default completion (lowest seq first) takes the path without the fault. The budget (at most N of
// a kind per scope) lives here; once spent, messages go straight through.
import { assign, emit, enqueueActions, setup } from 'xstate';
import { send } from './emit.ts';

interface Race {
  to: string;
  event: Ev | null;
  /** Outcomes of this race still in flight; the race is forgotten at 0. */
  left: number;
  decided: boolean;
}
interface Ctx {
  id: string;
  /** Budget left per `kind@scope` (`page-response-lost@dma#1`) or run-wide kind (`worker-crash`). */
  budgets: Record<string, number>;
  /** Worker faults raced from the start, and the actor whose worker they hit. */
  workers: string[];
  target: string;
  races: Record<string, Race>;
  next: number;
}
type Ev = { type: string; from?: string; [k: string]: unknown };

/** What a fired fault does with the message it raced. */
const FIRE: Record<string, (r: Race) => Ev[]> = {
  'page-response-lost': () => [],
  'page-response-dup': (r) => [r.event!, r.event!],
  'worker-crash': () => [{ type: 'worker-crash' }],
  'worker-hang': () => [{ type: 'worker-hang' }],
};

const budgetKey = (kind: string, to: string, runWide: boolean) => (runWide ? kind : `${kind}@${to}`);
const strip = ({ from: _f, lane: _l, ...rest }: Ev): Ev => rest as Ev;

/** Open a race: remember the message, send the outcomes (pass first). */
function openRace(c: Ctx, to: string, event: Ev | null, kinds: string[], runWide: boolean) {
  const live = kinds.filter((k) => (c.budgets[budgetKey(k, to, runWide)] ?? 0) > 0);
  const id = String(c.next);
  const sends = live.length
    ? [send(c.id, { type: 'pass', race: id }, 'pass'), ...live.map((k) => send(c.id, { type: `fault.${k}`, race: id, runWide }, `fault.${k}`))]
    : event
      ? [send(to, event)]
      : [];
  const races = live.length ? { ...c.races, [id]: { to, event, left: 1 + live.length, decided: false } } : c.races;
  return { races, next: live.length ? c.next + 1 : c.next, sends };
}

export const injectorMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: { id: string; budgets: Record<string, number>; workers: string[]; target: string } },
  actions: {
    // A worker fault may strike at any delivery: its race is open from the start.
    armWorkerFaults: enqueueActions(({ context, enqueue }) => {
      if (!context.workers.length) return;
      const r = openRace(context, context.target, null, context.workers, true);
      enqueue.assign({ races: r.races, next: r.next });
      for (const s of r.sends) enqueue.emit(s);
    }),
    // A message that may suffer one of `kinds` on its way to `to`.
    inject: enqueueActions(({ context, event, enqueue }) => {
      const r = openRace(context, String(event.to), strip(event.event as Ev), event.kinds as string[], false);
      enqueue.assign({ races: r.races, next: r.next });
      for (const s of r.sends) enqueue.emit(s);
    }),
    // An outcome arrives: the first of its race decides (a fault fires only with budget left).
    outcome: enqueueActions(({ context, event, enqueue }) => {
      const id = String(event.race);
      const r = context.races[id]!;
      const kind = event.type === 'pass' ? null : event.type.slice('fault.'.length);
      const key = kind ? budgetKey(kind, r.to, event.runWide === true) : '';
      const fires = !r.decided && kind !== null && (context.budgets[key] ?? 0) > 0;
      const races = { ...context.races };
      if (r.left === 1) delete races[id];
      else races[id] = { ...r, left: r.left - 1, decided: true };
      enqueue.assign(fires ? { races, budgets: { ...context.budgets, [key]: context.budgets[key]! - 1 } } : { races });
      if (r.decided) return;
      const out = fires ? FIRE[kind!]!(r) : r.event ? [r.event] : [];
      if (fires) enqueue.emit({ type: 'fault', kind: kind!, message: `${kind} on the way to ${r.to}${r.event ? ` (${r.event.type}${r.event.prg !== undefined ? ` prg ${String(r.event.prg)}` : ''})` : ''}` } as never);
      for (const e of out) enqueue.emit(send(r.to, e));
    }),
  },
}).createMachine({
  id: 'injector',
  context: ({ input }) => ({ ...input, races: {}, next: 0 }),
  entry: 'armWorkerFaults',
  on: {
    inject: { actions: 'inject' },
    pass: { actions: 'outcome' },
    'fault.*': { actions: 'outcome' },
  },
});
