// Worlds for `svmsim fuzz`: fast-check arbitraries over the scenario format. A world is drawn as
// genes (small integers and flags per step), and decoded into a scenario the validator accepts:
// each gene picks among the steps valid at that point (a bind of an open unbound file, a munmap of
// a mapped VMA, ...), and a gene with nothing to pick is dropped. fast-check shrinks the genes
// (fewer processes, fewer steps, smaller numbers), and every shrunk world decodes valid too.
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

export const OPS = ['open', 'bind', 'mmap', 'touch', 'dma', 'munmap', 'close', 'unbind', 'exit'] as const;

export interface Gene {
  op: number;
  x: number;
  y: number;
  flag: boolean;
  wait: boolean;
  count: number;
  rogue: boolean;
  after: number | null;
}

export interface Genes {
  devices: number;
  processes: Gene[][];
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
    rogue: b.faults ? fc.boolean() : fc.constant(false),
    after: fc.option(fc.nat(b.steps), { nil: null, freq: 4 }),
  });

export const genesArb = (b: Bounds): fc.Arbitrary<Genes> =>
  fc.record({
    devices: fc.integer({ min: 1, max: b.devices ?? 1 }),
    processes: fc.array(fc.array(gene(b), { minLength: 1, maxLength: b.steps }), { minLength: 1, maxLength: b.processes }),
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

function decodeProcess(genes: Gene[], pi: number, devices: string[], b: Bounds, waiters: Waiters): ScenarioStep[] {
  const steps: ScenarioStep[] = [];
  const files: FileState[] = [];
  const vmas: VmaState[] = [];
  const pick = <T>(xs: T[], n: number): T | undefined => (xs.length ? xs[n % xs.length] : undefined);
  const mapped = (pg: number) => vmas.some((v) => v.mapped && v.start <= pg && pg < v.end);
  for (const g of genes) {
    const op = OPS[g.op]!;
    if (op === 'exit') {
      steps.push({ op: 'exit' });
      break;
    }
    const step = decodeStep(op, g, { files, vmas, devices, b, pick, mapped, pi, waiters });
    if (step) steps.push(step);
  }
  // A process with nothing valid to do still runs: it exits.
  if (!steps.length) steps.push({ op: 'exit' });
  return steps;
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

function decodeStep(op: (typeof OPS)[number], g: Gene, c: Ctx): ScenarioStep | null {
  const { files, vmas, b, pick } = c;
  switch (op) {
    case 'open': {
      if (files.length >= MAX_FILES) return null;
      const f: FileState = { name: `f${files.length}`, device: pick(c.devices, g.x)!, open: true, bound: false };
      files.push(f);
      return { op: 'open', file: f.name, device: f.device };
    }
    case 'bind': {
      const f = pick(files.filter((x) => x.open && !x.bound), g.x);
      if (!f) return null;
      f.bound = true;
      return { op: 'bind', file: f.name };
    }
    case 'unbind': {
      const f = pick(files.filter((x) => x.bound), g.x);
      if (!f) return null;
      f.bound = false;
      return { op: 'unbind', file: f.name };
    }
    case 'close': {
      const f = pick(files.filter((x) => x.open), g.x);
      if (!f) return null;
      f.open = false;
      return { op: 'close', file: f.name };
    }
    case 'mmap': {
      const start = BASE_PAGE + (g.x % b.pages);
      let end = start;
      while (end < BASE_PAGE + b.pages && end - start < 1 + g.y && !c.mapped(end)) end++;
      if (end === start) return null;
      const v: VmaState = { name: `v${vmas.length}`, start, end, mapped: true };
      vmas.push(v);
      const file = g.flag ? pick(files.filter((x) => x.open), g.y) : undefined;
      return { op: 'mmap', vma: v.name, ...(file ? { file: file.name } : {}), addr: start, pages: end - start, ...(g.rogue ? { prot: 'r' as const } : {}) };
    }
    case 'munmap': {
      const v = pick(vmas.filter((x) => x.mapped), g.x);
      if (!v) return null;
      v.mapped = false;
      return { op: 'munmap', vma: v.name };
    }
    case 'touch':
      // One page past the range: a CPU fault with no VMA.
      return { op: 'touch', addr: BASE_PAGE + (g.x % (b.pages + 1)), write: g.flag };
    case 'dma': {
      const rogue = g.rogue && c.b.faults;
      const f = pick(files.filter((x) => x.open && (x.bound || rogue)), g.x);
      if (!f) return null;
      const claim = c.waiters.get(f.device);
      const wait = g.wait && (claim === undefined || claim === c.pi);
      if (wait) c.waiters.set(f.device, c.pi);
      return { op: 'dma', file: f.name, addr: BASE_PAGE + (g.y % (b.pages + 1)), write: g.flag, count: 1 + g.count, wait, ...(rogue ? { pasid: ROGUE_PASID } : {}) };
    }
    default:
      return null;
  }
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
      const a = g.processes[pi]![si]?.after;
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
