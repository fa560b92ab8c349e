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
}

export const BASE_PAGE = 16;
/** A PASID nobody binds (the allocator hands out small ones first). */
export const ROGUE_PASID = 7;
/** Files per process: two are enough for every file path (unbind-one-of-two-files). */
const MAX_FILES = 2;
/** The fault kinds a generated world may allow: the worker faults end a run on the workers
 * transport and need a strategy that replays from the start, so the generator leaves them out. */
export const GEN_FAULTS = ['device-timeout', 'page-response-lost', 'page-response-dup', 'device-retry', 'dma-stop-slow'] as const;

/** The ops a gene picks from (exit is the process's own flag: it ends the steps). In this order,
 * so that a gene shrunk to 0 is the first valid one. */
export const OPS = ['open', 'bind', 'mmap', 'dma', 'touch', 'munmap', 'unbind', 'close'] as const;
type Op = (typeof OPS)[number];

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
    op: fc.nat(OPS.length - 1),
    x: fc.nat(b.pages),
    y: fc.nat(b.pages),
    flag: fc.boolean(),
    wait: fc.boolean(),
    count: fc.nat(2),
    ro: fc.boolean(),
    rogue: b.faults ? fc.boolean() : fc.constant(false),
    after: fc.option(fc.nat(b.steps), { nil: null, freq: 4 }),
  });

/** A process: up to `steps` steps, its exit one of them. Exiting comes first (what shrinks to
 * `false` is the rarer, alive-at-the-end world). */
const processArb = (b: Bounds): fc.Arbitrary<ProcessGenes> =>
  fc.boolean().chain((alive) => fc.record({ steps: fc.array(gene(b), { minLength: alive ? 1 : 0, maxLength: alive ? b.steps : b.steps - 1 }), exit: fc.constant(!alive) }));

export const genesArb = (b: Bounds): fc.Arbitrary<Genes> =>
  fc.record({
    devices: fc.integer({ min: 1, max: b.devices ?? 1 }),
    processes: fc.array(processArb(b), { minLength: 1, maxLength: b.processes }),
    faults: b.faults ? fc.array(fc.record({ kind: fc.nat(GEN_FAULTS.length - 1), scope: fc.nat(b.processes), budget: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }) : fc.constant([]),
  });

/** The arbitrary of valid worlds within the bounds. */
export const worldArb = (b: Bounds): fc.Arbitrary<Scenario> => genesArb(b).map((g) => decode(g, b));

const procName = (i: number) => String.fromCharCode(65 + i);

interface FileState { name: string; device: string; open: boolean; bound: boolean }
interface VmaState { name: string; start: number; end: number; mapped: boolean }

/** Which process first waits for a DMA on each device: the model's device answers one waiting
 * dma_submit at a time (machines/dma.ts keeps one syncCaller), so only that process may wait. */
type Waiters = Map<string, number>;

function decodeProcess(pg: ProcessGenes, pi: number, devices: string[], b: Bounds, waiters: Waiters): ScenarioStep[] {
  const files: FileState[] = [];
  const vmas: VmaState[] = [];
  const pick = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
  const mapped = (page: number) => vmas.some((v) => v.mapped && v.start <= page && page < v.end);
  const c: Ctx = { files, vmas, devices, b, pick, mapped, pi, waiters };
  const steps = pg.steps.map((g) => decodeStep(validOps(c)[g.op % validOps(c).length]!, g, c));
  if (pg.exit) steps.push({ op: 'exit' });
  return steps;
}

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
    unbind: has((x) => x.bound),
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
  pi: number;
  waiters: Waiters;
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
      return { op: 'unbind', file: flip(file((x) => x.bound), 'bound', false).name };
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
  while (end < BASE_PAGE + c.b.pages && end - start < 1 + g.y && !c.mapped(end)) end++;
  const v: VmaState = { name: `v${c.vmas.length}`, start, end, mapped: true };
  c.vmas.push(v);
  const file = g.flag ? c.pick(c.files.filter((x) => x.open), g.y) : undefined;
  return { op: 'mmap', vma: v.name, ...(file ? { file: file.name } : {}), addr: start, pages: end - start, ...(g.ro ? { prot: 'r' as const } : {}) };
}

/** A DMA by a bound file's device (with faults allowed, maybe an unbound one's, with a rogue
 * PASID), at a page of the range or one past it; waited for only by the device's first waiter. */
function dmaStep(g: Gene, c: Ctx): ScenarioStep {
  const bound = c.files.filter((x) => x.open && x.bound);
  const rogue = !!c.b.faults && (g.rogue || !bound.length);
  const f = c.pick(rogue ? c.files.filter((x) => x.open) : bound, g.x)!;
  const claim = c.waiters.get(f.device);
  const wait = g.wait && (claim === undefined || claim === c.pi);
  if (wait) c.waiters.set(f.device, c.pi);
  return { op: 'dma', file: f.name, addr: BASE_PAGE + (g.y % (c.b.pages + 1)), write: g.flag, count: 1 + g.count, wait, ...(rogue ? { pasid: ROGUE_PASID } : {}) };
}

/** Genes → a scenario the validator accepts. */
export function decode(g: Genes, b: Bounds): Scenario {
  const devices = Array.from({ length: g.devices }, (_, i) => `dev${i}`);
  const waiters: Waiters = new Map();
  const processes = g.processes.map((genes, pi) => ({ name: procName(pi), steps: decodeProcess(genes, pi, devices, b, waiters) }));
  // `after` points only at an earlier process (no cycle of processes waiting for each other).
  processes.forEach((p, pi) => {
    if (pi === 0) return;
    p.steps.forEach((st, si) => {
      const a = g.processes[pi]!.steps[si]?.after;
      if (a === null || a === undefined) return;
      const other = processes[a % pi]!;
      st.after = `${other.name}.${a % other.steps.length}`;
    });
  });
  const faults = decodeFaults(g, devices, processes.length);
  const s: Scenario = { name: 'fuzz', description: '', devices, processes };
  if (faults.length) s.faults = faults;
  return s;
}

function decodeFaults(g: Genes, devices: string[], nproc: number): ScenarioFault[] {
  const out: ScenarioFault[] = [];
  for (const f of g.faults) {
    const kind = GEN_FAULTS[f.kind]!;
    // dma-stop-slow may be scoped by a process; the others by a device.
    const fault: ScenarioFault =
      kind === 'dma-stop-slow' && f.scope % 2 === 1 ? { kind, process: procName(f.scope % nproc), budget: f.budget } : { kind, device: devices[f.scope % devices.length]!, budget: f.budget };
    if (!out.some((o) => o.kind === fault.kind && o.device === fault.device && o.process === fault.process)) out.push(fault);
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
