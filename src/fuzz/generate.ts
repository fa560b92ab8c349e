// Worlds for `svmsim fuzz`: fast-check arbitraries over the scenario format. A world is drawn as
// genes (small integers and flags per step, and whether each process exits at its end), and
// decoded into a scenario the validator accepts: each gene picks among the ops valid at that point
// (a bind of an open unbound file, a munmap of a mapped VMA, ...), then its operands among the
// things that op may name. fast-check shrinks the genes (fewer processes, fewer steps, smaller
// numbers), and every shrunk world decodes valid too.
import fc from 'fast-check';
import type { Scenario, ScenarioFault, ScenarioStep } from '../scenario/schema.ts';

export interface Bounds {
  /** At most this many processes (each its own mm). */
  processes: number;
  /** At most this many steps per process (exit included). */
  steps: number;
  /** The page range the worlds use: pages BASE .. BASE+pages-1 (one more is DMA'd unmapped). */
  pages: number;
  /** Devices (default 1). */
  devices?: number;
  /** Also allow faults (device and process ones, with budgets), and rogue PASIDs. */
  faults?: boolean;
  /** With faults: the kinds drawn (default GEN_FAULTS). */
  faultKinds?: readonly string[];
}

export const BASE_PAGE = 16;
/** A PASID nobody binds (the allocator hands out small ones first). */
export const ROGUE_PASID = 7;
/** Files per process: two are enough for every file path (unbind-one-of-two-files). */
export const MAX_FILES = 2;
/** The fault kinds a generated world may allow: the worker faults end a run on the workers
 * transport and need a strategy that replays from the start, so the generator leaves them out. */
export const GEN_FAULTS = ['device-timeout', 'page-response-lost', 'page-response-dup', 'device-retry', 'dma-stop-slow'] as const;

/** The ops a gene picks from (exit is the process's own flag: it ends the steps). In this order,
 * so that a gene shrunk to 0 is the first valid one. */
export const OPS = ['open', 'bind', 'mmap', 'dma', 'touch', 'munmap', 'unbind', 'close'] as const;
type Op = (typeof OPS)[number];

/** The odds of each op among those valid at a step: a world builds up before it tears down. An
 * open, a bind, an mmap weigh most while none is there yet; DMA is the point of a world (every bug
 * here is a device access racing a teardown); the teardowns that end a mapping or a binding
 * early are rarer, or a world would undo itself before it does anything. */
function weightOf(op: Op, c: Ctx): number {
  const none = (f: (x: FileState) => boolean) => !c.files.some(f);
  switch (op) {
    case 'open':
      return none((x) => x.open) ? 6 : 1;
    case 'bind':
      return none((x) => x.bound) ? 6 : 2;
    case 'mmap':
      return c.vmas.some((v) => v.mapped) ? 1 : 5;
    case 'dma':
      return 6;
    default:
      return 1;
  }
}
/** A gene's op number: its share of the odds (0 picks the first valid op). */
const OP_SCALE = 1000;

/** The op a gene's number picks among the valid ones, by their odds. */
function pickOp(valid: Op[], n: number, c: Ctx): Op {
  const w = valid.map((op) => weightOf(op, c));
  let k = (n / OP_SCALE) * w.reduce((a, b) => a + b, 0);
  for (const [i, op] of valid.entries()) if ((k -= w[i]!) < 0) return op;
  return valid.at(-1)!;
}

export interface Gene {
  op: number;
  x: number;
  y: number;
  flag: boolean;
  wait: boolean;
  count: number;
  /** mmap: a read-only VMA (a device write to it is an access_error the kernel refuses). */
  ro: boolean;
  rogue: boolean;
  after: number | null;
  /** 0: the step is left out (1 in 8 are). */
  keep: number;
}

export interface ProcessGenes {
  steps: Gene[];
  /** The process exits after its steps (or stays alive to the end of the run). */
  exit: boolean;
  /** Started by an earlier process's clone or fork step (not for the first process): the parent
   * (modulo the processes before it), where in its steps, and how (SPAWNS). */
  spawn: { parent: number; at: number; how: number } | null;
}

/** How a task is started: fork (dup_mm, dup_fd), a thread with its own copy of the fd table
 * (CLONE_VM), or one sharing it (CLONE_VM | CLONE_FILES). */
export const SPAWNS = ['fork', 'clone', 'clone-files'] as const;

export interface Genes {
  devices: number;
  processes: ProcessGenes[];
  faults: { kind: number; scope: number; budget: number }[];
}

const gene = (b: Bounds): fc.Arbitrary<Gene> =>
  fc.record({
    op: fc.nat(OP_SCALE - 1),
    x: fc.nat(b.pages),
    y: fc.nat(4 * (b.pages + 1) - 1),
    flag: fc.boolean(),
    wait: fc.boolean(),
    count: fc.nat(2),
    ro: fc.boolean(),
    rogue: b.faults ? fc.boolean() : fc.constant(false),
    after: fc.option(fc.nat(b.steps), { nil: null, freq: 4 }),
    keep: fc.nat(7),
  });

/** A process: `steps` genes, each kept or not, its exit one of the steps. Most processes exit
 * (every teardown race here is one of exit's) and most genes are kept: a bug needs its steps in
 * order. Both shrink the way a world gets smaller: a gene's `keep` to 0 drops that step, and
 * `exit` to exiting. */
const processArb = (b: Bounds): fc.Arbitrary<ProcessGenes> =>
  fc.record({
    steps: fc.array(gene(b), { minLength: b.steps, maxLength: b.steps }),
    exit: fc.nat(3).map((n) => n !== 3, (v) => (v ? 0 : 3)),
    spawn: fc.option(fc.record({ parent: fc.nat(b.processes), at: fc.nat(b.steps), how: fc.nat(SPAWNS.length - 1) }), { nil: null, freq: 3 }),
  });

export const genesArb = (b: Bounds): fc.Arbitrary<Genes> =>
  fc.record({
    devices: fc.integer({ min: 1, max: b.devices ?? 1 }),
    processes: fc.array(processArb(b), { minLength: 1, maxLength: b.processes, size: 'max' }),
    faults: b.faults ? fc.array(fc.record({ kind: fc.nat(GEN_FAULTS.length - 1), scope: fc.nat(b.processes), budget: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }) : fc.constant([]),
  });

/** The arbitrary of valid worlds within the bounds. */
export const worldArb = (b: Bounds): fc.Arbitrary<Scenario> => genesArb(b).map((g) => decode(g, b));

const procName = (i: number) => String.fromCharCode(65 + i);

/** `inherited`: the fd came with a clone or fork (the task neither binds nor unbinds it, so no
 * unbind meets another task's DMA). `given`: a file the task had when it started another, which is
 * that task's to use from then on (check-tasks.ts: a shared file has one user). */
interface FileState { name: string; device: string; open: boolean; bound: boolean; inherited?: boolean; given?: boolean }
interface VmaState { name: string; start: number; end: number; mapped: boolean; anon?: boolean }

/** The genes a process keeps: its exit and the clone and fork steps it takes are among the `steps`. */
const keptGenes = (pg: ProcessGenes, b: Bounds, family = false, spawns = 0): Gene[] =>
  pg.steps.filter((g) => g.keep !== 0).slice(0, Math.max(0, b.steps - spawns - (pg.exit || family ? 1 : 0)));

/** What a started task has: a copy of its parent's fds and VMAs at the clone or fork, and how it
 * was started. A thread shares its parent's mm, so it maps and unmaps nothing; with the fd table
 * shared it opens and closes nothing either. */
interface Start {
  how: (typeof SPAWNS)[number];
  files: FileState[];
  vmas: VmaState[];
}

/** A task started by another: a clone or fork step in the parent's steps, before gene `at`. */
interface SpawnPoint { child: number; at: number; how: (typeof SPAWNS)[number] }

const CHILD_FORBIDS: Record<(typeof SPAWNS)[number], Op[]> = {
  fork: [],
  clone: ['mmap', 'munmap', 'bind'],
  'clone-files': ['mmap', 'munmap', 'bind', 'open', 'close'],
};

interface Decoded { steps: ScenarioStep[]; genes: (Gene | null)[]; starts: Map<number, Start> }

/** A process's steps (at least one: an exit, if nothing else), with the clone and fork steps that
 * start `spawns`, and what each started task begins with. A task in a family (a parent or a
 * child) ends with exit (check-tasks.ts: the oracles judge shared objects once all have gone).
 * Once a task has started another, it unbinds nothing (the other may have DMA outstanding on the
 * same PASID), and once it shares its fd table, it closes nothing. */
function decodeProcess(pg: ProcessGenes, devices: string[], b: Bounds, start: Start | undefined, spawns: SpawnPoint[]): Decoded {
  const genes = keptGenes(pg, b, !!start || spawns.length > 0, spawns.length);
  const copy = <T>(xs: T[], extra: Partial<T> = {}) => xs.map((x) => ({ ...x, ...extra }));
  const files: FileState[] = start ? copy(start.files, { inherited: true } as Partial<FileState>) : [];
  const vmas: VmaState[] = start ? copy(start.vmas) : [];
  const pick = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
  const mapped = (page: number) => vmas.some((v) => v.mapped && v.start <= page && page < v.end);
  const c: Ctx = { files, vmas, devices, b, pick, mapped, posted: new Set(), forbid: new Set(start ? CHILD_FORBIDS[start.how] : []), sharesTable: start?.how === 'clone-files', sharesMm: !!start && start.how !== 'fork' };
  // What the model can fork and clone (check.ts): a task that shares its mm with a thread does
  // not fork (dup_mmap of VMAs other threads change is not modelled), one that shares its fd table
  // starts only tasks that share it (nor dup_fd of such a table), and a task that forks maps files
  // only (fork's copy-on-write of anonymous pages is not modelled).
  const anyClone = c.sharesMm || spawns.some((sp) => sp.how !== 'fork');
  const anyShared = c.sharesTable || spawns.some((sp) => sp.how === 'clone-files');
  const normal = spawns.map((sp) => ({ ...sp, how: anyShared ? ('clone-files' as const) : anyClone && sp.how === 'fork' ? ('clone' as const) : sp.how }));
  c.fileMapsOnly = normal.some((sp) => sp.how === 'fork');
  const out: Decoded = { steps: [], genes: [], starts: new Map() };
  const spawnAt = (k: number) => {
    for (const sp0 of spawns.filter((x) => x.at === k)) {
      const sp = normal.find((x) => x.child === sp0.child)!;
      // The child may use the files this task opened itself; one it inherited was shared before
      // (one user each, check-tasks.ts), so it passes it on as unusable.
      out.starts.set(sp.child, { how: sp.how, files: files.map((f) => ({ ...f, given: f.given || f.inherited })), vmas: copy(vmas) });
      for (const f of files) f.given = true;
      out.steps.push(sp.how === 'fork' ? { op: 'fork', task: procName(sp.child) } : { op: 'clone', task: procName(sp.child), files: sp.how === 'clone-files' });
      out.genes.push(null);
      c.forbid.add('unbind');
      if (sp.how === 'clone-files') c.forbid.add('close');
    }
  };
  genes.forEach((g, k) => {
    spawnAt(k);
    out.steps.push(decodeStep(pickOp(validOps(c), g.op, c), g, c));
    out.genes.push(g);
  });
  spawnAt(genes.length);
  if (pg.exit || !out.steps.length || start || spawns.length) out.steps.push({ op: 'exit' });
  return out;
}

/** The unbind ioctl calls intel_svm_unbind_mm directly, and intel-svm.h makes the caller promise
 * that no access, page requests included, is outstanding for the PASID ("Device drivers are
 * required to ensure..."; the svm is poisoned and freed under a late one). A DMA posted to the
 * file's device may still be in flight, so a world unbinds only where nothing was posted there:
 * the other is a driver breaking the contract, which no fault kind models yet. (A release, at
 * close or exit, stops the device's jobs first: dma_stop.) A closed file has no fd to ioctl. */
export const unbindable = (c: Pick<Ctx, 'posted'>, f: FileState): boolean => f.open && f.bound && !f.inherited && !f.given && !c.posted.has(f.device);

/** The ops that have something to act on now (touch always has: a page, mapped or not). */
function validOps(c: Ctx): Op[] {
  const { files, vmas, b } = c;
  const has = (f: (x: FileState) => boolean) => files.some(f);
  const free = Array.from({ length: b.pages }, (_, i) => BASE_PAGE + i).some((pg) => !c.mapped(pg));
  const ok: Record<Op, boolean> = {
    open: files.length < MAX_FILES,
    bind: has((x) => x.open && !x.bound && !x.inherited && !x.given),
    mmap: free && (!c.fileMapsOnly || has((x) => x.open && !x.given)),
    dma: has((x) => x.open && !x.given && (x.bound || !!b.faults)),
    touch: true,
    munmap: vmas.some((v) => v.mapped),
    unbind: has((x) => unbindable(c, x)),
    close: has((x) => x.open),
  };
  return OPS.filter((op) => ok[op] && !c.forbid.has(op));
}

interface Ctx {
  files: FileState[];
  vmas: VmaState[];
  devices: string[];
  b: Bounds;
  pick: <T>(xs: T[], n: number) => T | undefined;
  mapped: (pg: number) => boolean;
  /** Devices this process posted a DMA to (not waited for): its page requests may be outstanding. */
  posted: Set<string>;
  /** Ops this task may not take (a thread's, or once it has started another task). */
  forbid: Set<Op>;
  /** The task shares its fd table with another (CLONE_FILES), or its mm (CLONE_VM). */
  sharesTable?: boolean;
  sharesMm?: boolean;
  /** The task forks: every mmap it takes maps a file. */
  fileMapsOnly?: boolean;
}

/** One step of a valid op: its operands picked among what it may name. */
function decodeStep(op: Op, g: Gene, c: Ctx): ScenarioStep {
  const { files, vmas, b, pick } = c;
  const file = (f: (x: FileState) => boolean, n = g.x) => pick(files.filter(f), n)!;
  switch (op) {
    case 'open': {
      const f: FileState = { name: `f${files.length}`, device: pick(c.devices, g.x)!, open: true, bound: false };
      files.push(f);
      return { op: 'open', file: f.name, device: f.device };
    }
    case 'bind':
      return { op: 'bind', file: flip(file((x) => x.open && !x.bound && !x.inherited && !x.given), 'bound', true).name };
    case 'unbind':
      return { op: 'unbind', file: flip(file((x) => unbindable(c, x)), 'bound', false).name };
    case 'close':
      return { op: 'close', file: flip(file((x) => x.open), 'open', false).name };
    case 'mmap':
      return mmapStep(g, c);
    case 'munmap': {
      const v = pick(vmas.filter((x) => x.mapped), g.x)!;
      v.mapped = false;
      return { op: 'munmap', vma: v.name };
    }
    case 'touch':
      // One page past the range too: a CPU fault with no VMA.
      return { op: 'touch', addr: BASE_PAGE + (g.x % (b.pages + 1)), write: g.flag };
    case 'dma':
      return dmaStep(g, c);
  }
}

const flip = (f: FileState, k: 'open' | 'bound', v: boolean): FileState => ((f[k] = v), f);

/** An mmap at the g.x-th free page, up to 1+g.y pages (stopping at a mapped one), maybe of a file. */
function mmapStep(g: Gene, c: Ctx): ScenarioStep {
  const free = Array.from({ length: c.b.pages }, (_, i) => BASE_PAGE + i).filter((pg) => !c.mapped(pg));
  const start = free[g.x % free.length]!;
  let end = start + 1;
  while (end < BASE_PAGE + c.b.pages && end - start < 1 + (g.y % c.b.pages) && !c.mapped(end)) end++;
  const file = g.flag || c.fileMapsOnly ? c.pick(c.files.filter((x) => x.open && !x.given), g.y) : undefined;
  const v: VmaState = { name: `v${c.vmas.length}`, start, end, mapped: true, ...(file ? {} : { anon: true }) };
  c.vmas.push(v);
  return { op: 'mmap', vma: v.name, ...(file ? { file: file.name } : {}), addr: start, pages: end - start, ...(g.ro ? { prot: 'r' as const } : {}) };
}

/** Mostly a mapped page (three in four, when there is one), else any page of the range or the one
 * past it (a page request that finds no VMA). */
function dmaPage(g: Gene, c: Ctx): number {
  const all = Array.from({ length: c.b.pages + 1 }, (_, i) => BASE_PAGE + i);
  const mapped = all.filter(c.mapped);
  return mapped.length && g.y % 4 !== 3 ? mapped[Math.floor(g.y / 4) % mapped.length]! : all[g.y % all.length]!;
}

/** A DMA by a bound file's device (with faults allowed, maybe an unbound one's, with a rogue
 * PASID), at a page of the range or one past it, waited for or posted (the device answers each
 * waiting submit when its own jobs end, machines/dma.ts). */
function dmaStep(g: Gene, c: Ctx): ScenarioStep {
  const bound = c.files.filter((x) => x.open && x.bound && !x.given);
  const rogue = !!c.b.faults && (g.rogue || !bound.length);
  const f = c.pick(rogue ? c.files.filter((x) => x.open && !x.given) : bound, g.x)!;
  const wait = g.wait;
  if (!wait) c.posted.add(f.device);
  return { op: 'dma', file: f.name, addr: dmaPage(g, c), write: g.flag, count: 1 + g.count, wait, ...(rogue ? { pasid: ROGUE_PASID } : {}) };
}

/** Where each task is started: process pi (not the first) by the one its gene names among those
 * before it, before that one's gene `at` (or after its last). */
function spawnPoints(g: Genes, b: Bounds): Map<number, SpawnPoint[]> {
  // Which tasks each parent starts: no more than its steps leave room for, with its exit.
  const children = new Map<number, number[]>();
  g.processes.forEach((pg, pi) => {
    if (pi === 0 || !pg.spawn) return;
    const parent = pg.spawn.parent % pi;
    const mine = children.get(parent) ?? [];
    if (mine.length + 2 <= b.steps) children.set(parent, [...mine, pi]);
  });
  const out = new Map<number, SpawnPoint[]>();
  for (const [parent, cs] of children) {
    const kept = keptGenes(g.processes[parent]!, b, true, cs.length).length;
    out.set(parent, cs.map((child) => ({ child, at: g.processes[child]!.spawn!.at % (kept + 1), how: SPAWNS[g.processes[child]!.spawn!.how % SPAWNS.length]! })));
  }
  return out;
}

/** Genes → a scenario the validator accepts. */
export function decode(g: Genes, b: Bounds): Scenario {
  const devices = Array.from({ length: g.devices }, (_, i) => `dev${i}`);
  const spawns = spawnPoints(g, b);
  const starts = new Map<number, Start>();
  // A parent comes before the tasks it starts (its index is lower): its decode says what they begin with.
  const decoded = g.processes.map((genes, pi) => {
    const d = decodeProcess(genes, devices, b, starts.get(pi), spawns.get(pi) ?? []);
    for (const [child, st] of d.starts) starts.set(child, st);
    return d;
  });
  const processes = decoded.map((d, pi) => ({ name: procName(pi), steps: d.steps }));
  // `after` points only at an earlier process (no cycle of processes waiting for each other).
  processes.forEach((p, pi) => {
    if (pi === 0) return;
    p.steps.forEach((st, si) => {
      const a = decoded[pi]!.genes[si]?.after;
      if (a === null || a === undefined) return;
      const other = processes[a % pi]!;
      st.after = `${other.name}.${a % other.steps.length}`;
    });
  });
  const faults = decodeFaults(g, b, devices, processes.length);
  const s: Scenario = { name: 'fuzz', description: '', devices, processes };
  if (faults.length) s.faults = faults;
  return s;
}

function decodeFaults(g: Genes, b: Bounds, devices: string[], nproc: number): ScenarioFault[] {
  const out: ScenarioFault[] = [];
  for (const f of g.faults) {
    const kinds = b.faultKinds?.length ? b.faultKinds : GEN_FAULTS;
    const kind = kinds[f.kind % kinds.length] as ScenarioFault['kind'];
    // dma-stop-slow may be scoped by a process; the others by a device.
    const fault: ScenarioFault =
      kind === 'dma-stop-slow' && f.scope % 2 === 1 ? { kind, process: procName(f.scope % nproc), budget: f.budget } : { kind, device: devices[f.scope % devices.length]!, budget: f.budget };
    // One dma-stop-slow at most: a process's entry and a device's both covering one file are
    // refused (each would give the file its budget: check-faults.ts).
    const twice = out.some((o) => o.kind === fault.kind && (kind === 'dma-stop-slow' || (o.device === fault.device && o.process === fault.process)));
    if (!twice) out.push(fault);
  }
  return out;
}

/** A world's size, for the summary and for "as small as the built-in": processes, steps, pages
 * mapped, faults allowed. */
export function worldSize(s: Scenario): { processes: number; steps: number; pages: number; faults: number } {
  const all = s.processes.flatMap((p) => p.steps);
  return {
    processes: s.processes.length,
    steps: all.length,
    pages: all.reduce((n, st) => n + (st.op === 'mmap' ? st.pages : 0), 0),
    faults: s.faults?.length ?? 0,
  };
}
