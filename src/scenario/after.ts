// Cross-process order (`after`): a step that waits until a step of another process has run. Not a
// fault: the scenario's own order, checked (a real step of another process) and compiled into the
// waiting and the awaited process's step inputs (a `notify` on the awaited step).
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario } from './schema.ts';
import { spawnsOf } from './spawn.ts';

type Fail = (path: string, msg: string) => never;

const input = (specs: ActorSpec[], id: string) => specs.find((s) => s.id === id)!.input;

/** The step index `ref` ("A.exit", "A.2") names in process `proc`, or a one-line reason it names none. */
export function resolveAfter(s: Scenario, ref: string): { proc: number; step: number } | string {
  const dot = ref.lastIndexOf('.');
  const pname = ref.slice(0, dot);
  const what = ref.slice(dot + 1);
  const proc = s.processes.findIndex((p) => p.name === pname);
  if (proc < 0) return `unknown process '${pname}' (valid: ${s.processes.map((p) => p.name).join(', ')})`;
  const steps = s.processes[proc]!.steps;
  if (/^\d+$/.test(what)) {
    const n = Number(what);
    return n < steps.length ? { proc, step: n } : `process '${pname}' has no step ${what} (it has ${steps.length})`;
  }
  const hits = steps.flatMap((st, i) => (st.op === what ? [i] : []));
  if (hits.length === 1) return { proc, step: hits[0]! };
  if (!hits.length) return `process '${pname}' has no '${what}' step`;
  return `process '${pname}' has ${hits.length} '${what}' steps: name one by its index (${hits.map((h) => `${pname}.${h}`).join(', ')})`;
}

export function checkAfter(s: Scenario, fail: Fail): void {
  const waits = new Map<string, At[]>();
  const spawns = spawnsOf(s);
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      // A started task's first step waits for the clone or fork that starts it (and for its own
      // after, if it has one).
      const sp = si === 0 ? spawns.get(pi) : undefined;
      if (sp) waits.set(`${pi}.0`, [{ proc: sp.parent, step: sp.step }]);
      if (st.after === undefined) return;
      const at = `processes[${pi}].steps[${si}].after`;
      const r = resolveAfter(s, st.after);
      if (typeof r === 'string') fail(at, r);
      if (r.proc === pi) fail(at, `'${st.after}' is a step of this same process (its steps already run in order)`);
      waits.set(`${pi}.${si}`, [...(waits.get(`${pi}.${si}`) ?? []), r]);
    }),
  );
  const recvs = sendWaits(s, waits);

  const cycle = waitCycle(s, waits);
  if (!cycle) return;
  const first = cycle.find((l) => s.processes[l.at.proc]!.steps[l.at.step]!.after !== undefined);
  const recv = cycle.find((l) => recvs.has(`${l.at.proc}.${l.at.step}`));
  const at = first ? `processes[${first.at.proc}].steps[${first.at.step}].after` : recv ? `processes[${recv.at.proc}].steps[${recv.at.step}].file` : undefined;
  if (at) fail(at, `a cycle of after steps: ${describeCycle(s, cycle, recvs)}; none of them can ever run`);
}

/** A send_fd's receiver: its first step naming the passed fd waits for the send step (recvmsg
 * blocks until the message is queued; world-sends.ts compiles it as an after). Added to `waits`;
 * returns the waiting steps' keys. */
function sendWaits(s: Scenario, waits: Map<string, At[]>): Set<string> {
  const recvs = new Set<string>();
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.op !== 'send_fd') return;
      const to = s.processes.findIndex((q) => q.name === st.to);
      const use = to < 0 ? -1 : s.processes[to]!.steps.findIndex((x) => 'file' in x && x.file === st.as);
      if (use < 0) return;
      const k = `${to}.${use}`;
      waits.set(k, [...(waits.get(k) ?? []), { proc: pi, step: si }]);
      recvs.add(k);
    }),
  );
  // waitCycle reads each process's waiting steps in the Map's order: keep it the scenario's.
  const sorted = [...waits].sort(([a], [b]) => {
    const [pa, sa] = a.split('.').map(Number) as [number, number];
    const [pb, sb] = b.split('.').map(Number) as [number, number];
    return pa - pb || sa - sb;
  });
  waits.clear();
  for (const [k, v] of sorted) waits.set(k, v);
  return recvs;
}

type At = { proc: number; step: number };
/** An after step on a cycle, and how it waits for the next one: for its `after` target (which
 * runs after the next one, or is it) or by its own process's order. */
type Link = { at: At; by: 'after' | 'order'; target: At };

const stepName = (s: Scenario, a: At) => `${s.processes[a.proc]!.name}.${a.step} (${s.processes[a.proc]!.steps[a.step]!.op})`;

function describeCycle(s: Scenario, cycle: Link[], recvs: Set<string>): string {
  return cycle
    .map((l, i) => {
      const next = cycle[(i + 1) % cycle.length]!.at;
      if (l.by === 'order') return `${stepName(s, l.at)} comes after ${stepName(s, next)}`;
      const same = l.target.proc === next.proc && l.target.step === next.step;
      const how = recvs.has(`${l.at.proc}.${l.at.step}`) && s.processes[l.target.proc]!.steps[l.target.step]!.op === 'send_fd' ? ' (the fd it passes)' : '';
      return `${stepName(s, l.at)} waits for ${stepName(s, l.target)}${how}${same ? '' : `, which comes after ${stepName(s, next)}`}`;
    })
    .join('; ');
}

/** A cycle of waits among the after steps, or null. An after step waits for its target step, so
 * for the latest after step at or before the target in that process, and for the latest after
 * step before it in its own process. Iterative depth-first search (scenarios may have 100,000 steps). */
function waitCycle(s: Scenario, waits: Map<string, At[]>): Link[] | null {
  const key = (a: At) => `${a.proc}.${a.step}`;
  // Per process, its after steps' indexes in order (Map keys are in insertion order: scenario order).
  const byProc = s.processes.map(() => [] as number[]);
  for (const k of waits.keys()) {
    const [p, i] = k.split('.').map(Number) as [number, number];
    byProc[p]!.push(i);
  }
  /** The latest after step at or before `a` in its process (binary search). */
  const latest = (a: At): At | undefined => {
    const xs = byProc[a.proc]!;
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xs[mid]! <= a.step) lo = mid + 1;
      else hi = mid;
    }
    return lo ? { proc: a.proc, step: xs[lo - 1]! } : undefined;
  };
  type Dep = { to: At; by: Link['by']; target: At };
  const deps = (a: At): Dep[] => {
    const ts = waits.get(key(a))!.flatMap((target) => {
      const t = latest(target);
      return t ? [{ to: t, by: 'after' as const, target }] : [];
    });
    const o = a.step > 0 ? latest({ proc: a.proc, step: a.step - 1 }) : undefined;
    return [...ts, ...(o ? [{ to: o, by: 'order' as const, target: o }] : [])];
  };
  const color = new Map<string, 1 | 2>();
  for (const k0 of waits.keys()) {
    if (color.has(k0)) continue;
    const [p0, s0] = k0.split('.').map(Number) as [number, number];
    const stack: { at: At; deps: Dep[]; i: number }[] = [];
    const push = (at: At) => (color.set(key(at), 1), stack.push({ at, deps: deps(at), i: 0 }));
    push({ proc: p0, step: s0 });
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const d = top.deps[top.i++];
      if (!d) {
        color.set(key(top.at), 2);
        stack.pop();
      } else if (color.get(key(d.to)) === 1) {
        const from = stack.findIndex((x) => key(x.at) === key(d.to));
        return stack.slice(from).map((x) => ({ at: x.at, by: x.deps[x.i - 1]!.by, target: x.deps[x.i - 1]!.target }));
      } else if (!color.has(key(d.to))) push(d.to);
    }
  }
  return null;
}

/** `after` → the waiting step names the process and step it waits for; that step notifies it. */
export function applyAfter(specs: ActorSpec[], s: Scenario): void {
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.after === undefined) return;
      const r = resolveAfter(s, st.after);
      if (typeof r === 'string') throw new Error(r);
      const waiter = `process#${pi + 1}`;
      const awaited = `process#${r.proc + 1}`;
      const key = `${awaited}:${r.step}`;
      const wsteps = input(specs, waiter).steps as Record<string, unknown>[];
      // A started task's first step waits for its clone or fork already: it waits for both.
      const had = wsteps[si]!.after as string | undefined;
      wsteps[si] = { ...wsteps[si], after: had ? [had, key] : key };
      const asteps = input(specs, awaited).steps as Record<string, unknown>[];
      const a = asteps[r.step]!;
      asteps[r.step] = { ...a, notify: [...((a.notify as string[] | undefined) ?? []), waiter] };
    }),
  );
}
