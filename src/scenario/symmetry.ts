// Symmetry of a world, computed from it (never declared): processes that the scenario's steps make
// identical up to their names are interchangeable, as Murphi's scalarsets are (C. N. Ip and D. L.
// Dill, "Better verification through symmetry", FMSD 9, 1996). A renaming swaps two processes and
// everything named after them: the task, its mm (and the pgd, page tables and pages numbered after
// the mm), its files and VMAs in order. It is a symmetry of the world when it maps every actor's
// spec onto another's, text for text; every permutation of a class of processes that pairwise
// pass that check is then one too (the transpositions generate the group). Objects numbered by
// when they were made (svm#, pasid#, sdev#) are not renamed: which process made one first is
// what tells the two states apart, and the renamed state is the one where the other went first.
import type { ActorSpec } from '../runtime/types.ts';
import type { Scenario } from './schema.ts';
import type { World } from './world.ts';

/** One permutation of the world's names: the actor each actor becomes (by index), and the text of
 * a state, an event or a channel under it. */
export interface Renaming {
  to: Int32Array;
  rename(text: string): string;
}

export interface Symmetry {
  /** The classes of interchangeable processes (scenario names), each of two or more. */
  classes: string[][];
  /** Every permutation the classes allow, the identity first. */
  perms: Renaming[];
}

/** The most permutations a search takes on (4! · 2!: every state is hashed under each). */
export const MAX_PERMS = 48;

const NAME = /(?<![\w-])(process|mm|pgd|files|file|vma|pt|page)#(\d+)/g;
/** The kinds renamed with their process's number, and those renamed one by one (files, VMAs). */
const BY_TASK = new Set(['process', 'mm', 'pgd', 'files', 'pt', 'page']);

type NumberMap = Map<string, Map<string, string>>;

function renamer(nums: NumberMap): (text: string) => string {
  return (text) => text.replace(NAME, (m, kind: string, n: string) => {
    const to = nums.get(kind)?.get(n);
    return to === undefined ? m : `${kind}#${to}`;
  });
}

/** What process `p` names of its own: its number, and its files and VMAs in the order made. */
function ownNames(w: World, p: string): { n: string; file: string[]; vma: string[] } {
  const n = w.names[p]!.slice('process#'.length);
  const own = (kind: string) =>
    Object.entries(w.names)
      .filter(([k, id]) => k.startsWith(`${p}/`) && id.startsWith(`${kind}#`))
      .map(([, id]) => id.slice(kind.length + 1))
      .sort((a, b) => Number(a) - Number(b));
  return { n, file: own('file'), vma: own('vma') };
}

/** The renaming that sends each process of `order[i]` to `order[perm[i]]`. */
function permutation(w: World, order: string[][], perm: number[][], specs: ActorSpec[]): Renaming | null {
  const nums: NumberMap = new Map([...BY_TASK, 'file', 'vma'].map((k) => [k, new Map()]));
  for (let c = 0; c < order.length; c++) {
    const names = order[c]!.map((p) => ownNames(w, p));
    for (let i = 0; i < names.length; i++) {
      const from = names[i]!;
      const to = names[perm[c]![i]!]!;
      if (from.file.length !== to.file.length || from.vma.length !== to.vma.length) return null;
      for (const k of BY_TASK) nums.get(k)!.set(from.n, to.n);
      from.file.forEach((f, j) => nums.get('file')!.set(f, to.file[j]!));
      from.vma.forEach((v, j) => nums.get('vma')!.set(v, to.vma[j]!));
    }
  }
  const rename = renamer(nums);
  const index = new Map(specs.map((s, i) => [s.id, i]));
  const text = specs.map((s) => JSON.stringify(s));
  const to = new Int32Array(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const j = index.get(rename(specs[i]!.id));
    if (j === undefined || rename(text[i]!) !== text[j]) return null;
    to[i] = j;
  }
  return { to, rename };
}

/** Every permutation of 0..n-1, the identity first. */
function permutationsOf(n: number): number[][] {
  if (n <= 1) return [[0]];
  const out: number[][] = [];
  for (const rest of permutationsOf(n - 1)) for (let at = n - 1; at >= 0; at--) out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  return out;
}

/** A process's steps can be renamed with another's only if they are its own: no step waits on
 * another process, starts one or hands one a file. */
const alone = (s: Scenario, p: Scenario['processes'][number]) =>
  p.steps.every((st) => !('after' in st && st.after !== undefined) && !['clone', 'fork', 'send_fd', 'recv_fd'].includes(st.op)) &&
  !s.processes.some((q) => q.steps.some((st) => ('task' in st && st.task === p.name) || ('to' in st && st.to === p.name)));

/** The world's symmetry, or null if it has none (or more permutations than MAX_PERMS). */
export function symmetryOf(s: Scenario, w: World): Symmetry | null {
  const candidates = s.processes.filter((p) => alone(s, p)).map((p) => p.name);
  const swaps = (a: string, b: string) => permutation(w, [[a, b]], [[1, 0]], w.specs) !== null;
  const classes: string[][] = [];
  for (const p of candidates) {
    const c = classes.find((k) => k.every((q) => swaps(q, p)));
    if (c) c.push(p);
    else classes.push([p]);
  }
  const sym = classes.filter((c) => c.length > 1);
  if (!sym.length) return null;
  let combos: number[][][] = [[]];
  for (const c of sym) combos = combos.flatMap((head) => permutationsOf(c.length).map((p) => [...head, p]));
  if (combos.length > MAX_PERMS) return null;
  const perms = combos.map((perm) => permutation(w, sym, perm, w.specs));
  return perms.every((r) => r !== null) ? { classes: sym, perms: perms as Renaming[] } : null;
}
