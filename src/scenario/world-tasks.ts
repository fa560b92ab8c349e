// The world's side of clone and fork: what a started task inherits (the names of its parent's
// files and VMAs, its fds, the VMAs a fork copies), and the wait of its first step for the step
// that starts it (compiled like an `after`: the child waits, the parent's step notifies).
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario } from './schema.ts';
import { groupRoot, type Spawn } from './spawn.ts';

/** A VMA mapped at a fork, as dup_mmap copies it into the child's mm (a new id there). */
export interface MappedVma {
  vma: string;
  file: string | null;
  start: number;
  end: number;
  ro?: boolean;
}

/** What a clone or fork step hands the task it starts. */
export interface Handed {
  /** The parent's scenario names of files and VMAs → actor ids (a fork's VMAs: the copies). */
  names: Record<string, string>;
  /** The open fds at the step (a copied table starts with them: dup_fd). */
  fds: string[];
  vmas: Map<string, MappedVma>;
}

/** The hand-over at a clone (`copyVma` null: the same VMAs, of the shared mm) or a fork. */
export function handOver(parent: string, names: Record<string, string>, fds: string[], mapped: Map<string, MappedVma>, copyVma: (() => string) | null): Handed {
  const prefix = `${parent}/`;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const k of Object.keys(names)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = names[k]!;
  const vmas = new Map<string, MappedVma>();
  for (const [n, v] of mapped) {
    const copy = copyVma ? { ...v, vma: copyVma() } : v;
    vmas.set(n, copy);
    out[n] = copy.vma;
  }
  return { names: out, fds: [...fds], vmas };
}

/** Whether task `i` shares its fd table with another (a CLONE_FILES clone in its chain or of it). */
export function sharesTable(s: Scenario, spawns: Map<number, Spawn>, i: number): boolean {
  const root = groupRoot(spawns, i, true);
  return s.processes.some((_, j) => j !== i && groupRoot(spawns, j, true) === root);
}

const input = (specs: ActorSpec[], id: string) => specs.find((x) => x.id === id)!.input as { steps: Record<string, unknown>[] };

/** The child's first step waits for the parent's clone or fork step, which notifies it. */
export function startAfter(specs: ActorSpec[], child: string, parent: string, step: number): void {
  const c = input(specs, child).steps;
  c[0] = { ...c[0], after: `${parent}:${step}` };
  const p = input(specs, parent).steps;
  const a = p[step]!;
  p[step] = { ...a, notify: [...((a.notify as string[] | undefined) ?? []), child] };
}
