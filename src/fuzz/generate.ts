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
}

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
  fc.record({ steps: fc.array(gene(b), { minLength: b.steps, maxLength: b.steps }), exit: fc.nat(3).map((n) => n !== 3, (v) => (v ? 0 : 3)) });

export const genesArb = (b: Bounds): fc.Arbitrary<Genes> =>
  fc.record({
    devices: fc.integer({ min: 1, max: b.devices ?? 1 }),
    processes: fc.array(processArb(b), { minLength: 1, maxLength: b.processes, size: 'max' }),
    faults: b.faults ? fc.array(fc.record({ kind: fc.nat(GEN_FAULTS.length - 1), scope: fc.nat(b.processes), budget: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }) : fc.constant([]),
  });

/** The arbitrary of valid worlds within the bounds. */
export const worldArb = (b: Bounds): fc.Arbitrary<Scenario> => genesArb(b).map((g) => decode(g, b));

const procName = (i: number) => String.fromCharCode(65 + i);

interface FileState { name: string; device: string; open: boolean; bound: boolean }
interface VmaState { name: string; start: number; end: number; mapped: boolean }

/** The genes a process keeps: the exit is one of the `steps`. */
const keptGenes = (pg: ProcessGenes, b: Bounds): Gene[] => pg.steps.filter((g) => g.keep !== 0).slice(0, pg.exit ? b.steps - 1 : b.steps);

/** A process keeps at least one step (an exit, if nothing else). */
function decodeProcess(pg: ProcessGenes, devices: string[], b: Bounds): ScenarioStep[] {
  const files: FileState[] = [];
  const vmas: VmaState[] = [];
  const pick = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
  const mapped = (page: number) => vmas.some((v) => v.mapped && v.start <= page && page < v.end);
  const c: Ctx = { files, vmas, devices, b, pick, mapped, posted: new Set() };
  const steps = keptGenes(pg, b).map((g) => decodeStep(pickOp(validOps(c), g.op, c), g, c));
  if (pg.exit || !steps.length) steps.push({ op: 'exit' });
  return steps;
}

/** The unbind ioctl calls intel_svm_unbind_mm directly, and intel-svm.h makes the caller promise
 * that no access, page requests included, is outstanding for the PASID ("Device drivers are
 * required to ensure..."; the svm is poisoned and freed under a late one). A DMA posted to the
 * file's device may still be in flight, so a world unbinds only where nothing was posted there:
 * the other is a driver breaking the contract, which no fault kind models yet. (A release, at
 * close or exit, stops the device's jobs first: dma_stop.) A closed file has no fd to ioctl. */
export const unbindable = (c: Pick<Ctx, 'posted'>, f: FileState): boolean => f.open && f.bound && !c.posted.has(f.device);

/** The ops that have something to act on now (touch always has: a page, mapped or not). */
function validOps(c: Ctx): Op[] {
  const { files, vmas, b } = c;
  const has = (f: (x: FileState) => boolean) => files.some(f);
  const free = Array.from({ length: b.pages }, (_, i) => BASE_PAGE + i).some((pg) => !c.mapped(pg));
  const ok: Record<Op, boolean> = {
    open: files.length < MAX_FILES,
    bind: has((x) => x.open && !x.bound),
    mmap: free,
    dma: has((x) => x.open && (x.bound || !!b.faults)),
    touch: true,
    munmap: vmas.some((v) => v.mapped),
    unbind: has((x) => unbindable(c, x)),
    close: has((x) => x.open),
  };
  return OPS.filter((op) => ok[op]);
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
      return { op: 'bind', file: flip(file((x) => x.open && !x.bound), 'bound', true).name };
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
  const v: VmaState = { name: `v${c.vmas.length}`, start, end, mapped: true };
  c.vmas.push(v);
  const file = g.flag ? c.pick(c.files.filter((x) => x.open), g.y) : undefined;
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
  const bound = c.files.filter((x) => x.open && x.bound);
  const rogue = !!c.b.faults && (g.rogue || !bound.length);
  const f = c.pick(rogue ? c.files.filter((x) => x.open) : bound, g.x)!;
  const wait = g.wait;
  if (!wait) c.posted.add(f.device);
  return { op: 'dma', file: f.name, addr: dmaPage(g, c), write: g.flag, count: 1 + g.count, wait, ...(rogue ? { pasid: ROGUE_PASID } : {}) };
}

/** Genes → a scenario the validator accepts. */
export function decode(g: Genes, b: Bounds): Scenario {
  const devices = Array.from({ length: g.devices }, (_, i) => `dev${i}`);
  const processes = g.processes.map((genes, pi) => ({ name: procName(pi), steps: decodeProcess(genes, devices, b) }));
  // `after` points only at an earlier process (no cycle of processes waiting for each other).
  processes.forEach((p, pi) => {
    if (pi === 0) return;
    p.steps.forEach((st, si) => {
      const a = keptGenes(g.processes[pi]!, b)[si]?.after;
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
