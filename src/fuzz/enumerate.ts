// --exhaustive: every world of one process within the bounds, in a canonical order (fewer steps
// first; at each step the ops in OPS order, then their operands in order), for a statement like
// "no violation in any world of <= 5 steps on fixed". A world is a sequence of steps, each valid
// where it stands (generate.ts's rules: an op only with something to act on, an unbind only
// with nothing posted to its device), ending in exit or not. The operands enumerated are the
// ones that tell worlds apart: which file or VMA, which page, the device, read or write, waited
// or posted, anonymous or file-backed, read-only or not, and a DMA's count of requests (1 to 3, as
// generate.ts draws it: a second request can use what the first left in the IOTLB).
// The first world to show an oracle has the fewest steps any world showing it has: the run keeps
// it as found (no world shrinking needed).
import type { Scenario, ScenarioStep } from '../scenario/schema.ts';
import { BASE_PAGE, MAX_FILES, unbindable, type Bounds } from './generate.ts';
import { named } from './draw.ts';

interface State {
  files: { name: string; device: string; open: boolean; bound: boolean }[];
  vmas: { name: string; start: number; end: number; mapped: boolean }[];
  posted: Set<string>;
}

const clone = (s: State): State => ({ files: s.files.map((f) => ({ ...f })), vmas: s.vmas.map((v) => ({ ...v })), posted: new Set(s.posted) });
const mapped = (s: State, page: number) => s.vmas.some((v) => v.mapped && v.start <= page && page < v.end);

/** Every step valid in `s`, with the state after it, in canonical order. */
function* nextSteps(s: State, b: Bounds, devices: string[]): Generator<[ScenarioStep, State]> {
  const pages = Array.from({ length: b.pages }, (_, i) => BASE_PAGE + i);
  const reach = [...pages, BASE_PAGE + b.pages];
  const after = (f: (t: State) => void): State => {
    const t = clone(s);
    f(t);
    return t;
  };
  if (s.files.length < MAX_FILES) for (const device of devices) yield [{ op: 'open', file: `f${s.files.length}`, device }, after((t) => t.files.push({ name: `f${t.files.length}`, device, open: true, bound: false }))];
  for (const [i, f] of s.files.entries()) if (f.open && !f.bound) yield [{ op: 'bind', file: f.name }, after((t) => (t.files[i]!.bound = true))];
  for (const start of pages.filter((p) => !mapped(s, p))) {
    for (let end = start + 1; end <= BASE_PAGE + b.pages && !mapped(s, end - 1); end++) {
      const backing = [undefined, ...s.files.filter((f) => f.open).map((f) => f.name)];
      for (const file of backing)
        for (const prot of ['rw', 'r'] as const) {
          const step: ScenarioStep = { op: 'mmap', vma: `v${s.vmas.length}`, ...(file ? { file } : {}), addr: start, pages: end - start, ...(prot === 'r' ? { prot } : {}) };
          yield [step, after((t) => t.vmas.push({ name: `v${t.vmas.length}`, start, end, mapped: true }))];
        }
    }
  }
  for (const f of s.files.filter((x) => x.open && x.bound))
    for (const addr of reach)
      for (const write of [true, false])
        for (const wait of [true, false])
          for (const count of [1, 2, 3]) yield [{ op: 'dma', file: f.name, addr, write, count, wait }, wait ? s : after((t) => t.posted.add(f.device))];
  for (const addr of reach) for (const write of [true, false]) yield [{ op: 'touch', addr, write }, s];
  for (const [i, v] of s.vmas.entries()) if (v.mapped) yield [{ op: 'munmap', vma: v.name }, after((t) => (t.vmas[i]!.mapped = false))];
  for (const [i, f] of s.files.entries()) if (unbindable(s, f)) yield [{ op: 'unbind', file: f.name }, after((t) => (t.files[i]!.bound = false))];
  for (const [i, f] of s.files.entries()) if (f.open) yield [{ op: 'close', file: f.name }, after((t) => (t.files[i]!.open = false))];
}

/** The step lists of exactly `n` steps before the optional exit, from `s`. */
function* sequences(s: State, n: number, b: Bounds, devices: string[]): Generator<ScenarioStep[]> {
  if (n === 0) return yield [];
  for (const [step, t] of nextSteps(s, b, devices)) for (const rest of sequences(t, n - 1, b, devices)) yield [step, ...rest];
}

const devicesOf = (b: Bounds) => Array.from({ length: b.devices ?? 1 }, (_, i) => `dev${i}`);

/** Every world within the bounds (one process), fewest steps first: n steps then exit, or n + 1
 * steps and no exit, for n from 0 (the world that only exits) up to bounds.steps - 1. */
export function* exhaustiveWorlds(b: Bounds): Generator<Scenario> {
  const devices = devicesOf(b);
  const empty: State = { files: [], vmas: [], posted: new Set() };
  let i = 0;
  for (let n = 0; n < b.steps; n++) {
    for (const steps of sequences(empty, n, b, devices)) yield named({ name: 'fuzz', description: '', devices, processes: [{ name: 'A', steps: [...steps, { op: 'exit' }] }] }, i++);
    for (const steps of sequences(empty, n + 1, b, devices)) yield named({ name: 'fuzz', description: '', devices, processes: [{ name: 'A', steps }] }, i++);
  }
}

/** How many worlds exhaustiveWorlds yields (counted without building them). */
export function exhaustiveCount(b: Bounds): number {
  const devices = devicesOf(b);
  const memo = new Map<string, number>();
  const count = (s: State, n: number): number => {
    if (n === 0) return 1;
    const key = `${n}|${JSON.stringify(s.files)}|${JSON.stringify(s.vmas)}|${[...s.posted].sort()}`;
    let c = memo.get(key);
    if (c === undefined) {
      c = 0;
      for (const [, t] of nextSteps(s, b, devices)) c += count(t, n - 1);
      memo.set(key, c);
    }
    return c;
  };
  const empty: State = { files: [], vmas: [], posted: new Set() };
  let total = 0;
  for (let n = 0; n < b.steps; n++) total += count(empty, n) + count(empty, n + 1);
  return total;
}
