// clone and fork steps: which process entry each starts, and the groups they make. A task shares
// its parent's mm after a clone (CLONE_VM, copy_mm: mm_users +1) and its fd table when the clone
// passes CLONE_FILES (copy_files: files->count +1); a fork gives it its own mm (dup_mm) and a copy
// of the table (dup_fd). Checked here: the structure; check.ts checks the steps with what each
// task inherits.
import type { Scenario } from './schema.ts';

type Fail = (path: string, msg: string) => never;

/** How a process entry is started: by its parent's clone or fork step. */
export interface Spawn {
  parent: number;
  step: number;
  op: 'clone' | 'fork';
  /** CLONE_FILES: the fd table is shared (a clone's `files`; a fork never shares it). */
  files: boolean;
}

/** Child index → how it starts; processes no step starts are absent (they run from the start). */
export function spawnsOf(s: Scenario): Map<number, Spawn> {
  const out = new Map<number, Spawn>();
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.op !== 'clone' && st.op !== 'fork') return;
      const child = s.processes.findIndex((q) => q.name === st.task);
      if (child >= 0 && !out.has(child)) out.set(child, { parent: pi, step: si, op: st.op, files: st.op === 'clone' && st.files });
    }),
  );
  return out;
}

/** Processes in an order where each parent comes before the tasks it starts (a root's order is
 * the scenario's). Only called once checkSpawns has passed (no cycle). */
export function spawnOrder(s: Scenario, spawns: Map<number, Spawn>): number[] {
  const order: number[] = [];
  const visit = (i: number) => {
    order.push(i);
    for (const [c, sp] of [...spawns].sort((a, b) => a[1].step - b[1].step)) if (sp.parent === i) visit(c);
  };
  s.processes.forEach((_, i) => !spawns.has(i) && visit(i));
  return order;
}

/** The root of a task's chain of clones: the index whose mm (or, with `files`, fd table) it uses. */
export function groupRoot(spawns: Map<number, Spawn>, i: number, files: boolean): number {
  let at = i;
  for (let sp = spawns.get(at); sp && sp.op === 'clone' && (!files || sp.files); sp = spawns.get(at)) at = sp.parent;
  return at;
}

/** Unknown, self-started, twice-started or circularly started tasks. */
export function checkSpawns(s: Scenario, fail: Fail): Map<number, Spawn> {
  const seen = new Map<string, string>();
  s.processes.forEach((p, pi) =>
    p.steps.forEach((st, si) => {
      if (st.op !== 'clone' && st.op !== 'fork') return;
      const at = `processes[${pi}].steps[${si}].task`;
      const child = s.processes.findIndex((q) => q.name === st.task);
      if (child < 0) fail(at, `unknown process '${st.task}' (valid: ${s.processes.map((q) => q.name).join(', ')})`);
      if (child === pi) fail(at, `process '${p.name}' cannot ${st.op} itself`);
      const before = seen.get(st.task);
      if (before) fail(at, `process '${st.task}' is started twice (${before} starts it already)`);
      seen.set(st.task, `${p.name}.${si}`);
    }),
  );
  const spawns = spawnsOf(s);
  for (const [c] of spawns) {
    const chain = [c];
    for (let sp = spawns.get(c); sp; sp = spawns.get(sp.parent)) {
      if (chain.includes(sp.parent)) fail(`processes[${sp.parent}].steps[${sp.step}].task`, `a cycle of clone/fork steps: ${[...chain, sp.parent].map((i) => s.processes[i]!.name).reverse().join(' starts ')}; none of them can ever start`);
      chain.push(sp.parent);
    }
  }
  return spawns;
}

/** The oracles judge an object by the task that owns it (kmemleak: alive after its owner's exit;
 * refcount: one mm_users per live owner): with objects shared among tasks, that holds only once
 * every task of the family has exited, so each must end with exit. Run after the steps' checks
 * (a step after exit is the better message). */
export function checkFamiliesExit(s: Scenario, spawns: Map<number, Spawn>, fail: Fail): void {
  const inFamily = new Set<number>();
  for (const [c, sp] of spawns) inFamily.add(c).add(sp.parent);
  for (const i of [...inFamily].sort((a, b) => a - b)) {
    const steps = s.processes[i]!.steps;
    if (steps.at(-1)!.op !== 'exit') fail(`processes[${i}].steps`, `'${s.processes[i]!.name}' clones, forks or is started so, yet never exits: every task of such a family must end with exit (objects shared among live tasks are not judged)`);
  }
}
