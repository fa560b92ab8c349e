// What a fuzz run found and searched: the summary.json document and the text printed at its end.
import type { OracleName } from '../oracles/types.ts';
import type { Bounds } from './generate.ts';
import { worldSize } from './generate.ts';

export const FUZZ_FORMAT = 1;

export type Size = ReturnType<typeof worldSize>;

export interface Finding {
  oracle: OracleName;
  message: string;
  /** The world that first showed it (its index in the run), the seed it was explored with. */
  world: number;
  seed: number;
  strategy: string;
  /** The world as drawn, and as shrunk. */
  found: Size;
  shrunk: Size;
  shrink: { tries: number; steps: number };
  /** The shrunk world (for `run --scenario`) and its shrunk schedule (for `replay`). */
  scenarioFile?: string;
  scheduleFile?: string;
  deliveries?: number;
  original?: { deliveries: number; preemptions: number };
  /** The `svmsim run` schedule that shows it (fifo, or the first random seed that does). */
  run?: { strategy: 'fifo' | 'random'; seed: number };
}

export interface FuzzResult {
  format: typeof FUZZ_FORMAT;
  run?: string;
  kernel: string;
  mode: 'random' | 'exhaustive';
  seed: number;
  bounds: Bounds;
  /** Schedules each world gets (per strategy); null: the dfs to its end (--exhaustive). */
  budget: number | null;
  worlds: number;
  /** Worlds the stateful dfs searched to the end (the rest got the default strategy too). */
  exhaustedWorlds: number;
  schedules: number;
  states: number;
  /** Violations not counted as findings: a fault's harm; a run cut by the step limit. */
  explained: number;
  limited: number;
  seconds: number;
  interrupted: boolean;
  /** --exhaustive: how many worlds the bounds hold, and whether every one was searched. */
  total?: number;
  complete?: boolean;
  findings: Finding[];
}

const boundsText = (b: Bounds): string =>
  `${b.processes} process(es) x ${b.steps} step(s), ${b.pages} page(s), ${b.devices ?? 1} device(s), ${b.faults ? `faults ${(b.faultKinds ?? []).join(',') || 'any'}` : 'no faults'}`;

const sizeText = (s: Size): string => `${s.processes} process(es), ${s.steps} step(s), ${s.pages} page(s) mapped${s.faults ? `, ${s.faults} fault(s)` : ''}`;

export function fuzzText(r: FuzzResult): string {
  const lines = [
    `fuzz ${r.kernel}: ${r.mode}, seed ${r.seed}, bounds: ${boundsText(r.bounds)}; ${r.budget === null ? 'each world searched to its end' : `${r.budget} schedules per world`}${r.interrupted ? ' (interrupted)' : ''}`,
    `searched: ${r.worlds} world(s)${r.total !== undefined ? ` of ${r.total}` : ''} (${r.exhaustedWorlds} exhausted by the stateful dfs), ${r.schedules} schedules, ${r.states} states in ${r.seconds} s`,
  ];
  if (r.explained || r.limited) lines.push(`not findings: ${r.explained} violation(s) a fault's harms explain, ${r.limited} run(s) cut by the step limit`);
  for (const f of r.findings) {
    lines.push(`[${f.oracle}] ${f.message}`);
    lines.push(`  world ${f.world} (seed ${f.seed}, ${f.strategy}): ${sizeText(f.found)}; shrunk to ${sizeText(f.shrunk)} (${f.shrink.steps} smaller world(s) taken, ${f.shrink.tries} tried)`);
    if (f.scenarioFile) lines.push(`  svmsim run --kernel ${r.kernel} --scenario ${f.scenarioFile}${runFlags(f)}`);
    if (f.scheduleFile) lines.push(`  svmsim replay ${f.scheduleFile}${f.deliveries !== undefined ? `   (${f.deliveries} deliveries${f.original ? `, from ${f.original.deliveries}` : ''})` : ''}`);
  }
  if (!r.findings.length) lines.push(statement(r));
  return lines.join('\n');
}

const runFlags = (f: Finding): string => (!f.run ? '   (no fifo or random run within the first seeds shows it: replay does)' : f.run.strategy === 'fifo' ? '' : ` --strategy random --seed ${f.run.seed}`);

/** What a clean run may claim, and no more. */
export function statement(r: FuzzResult): string {
  const b = r.bounds;
  if (r.mode === 'exhaustive' && r.complete && r.exhaustedWorlds === r.worlds)
    return `no violation in any world of one process, <= ${b.steps} step(s) (exit included) over ${b.pages} page(s) and ${b.devices ?? 1} device(s), no faults, on ${r.kernel}: every one of the ${r.worlds} worlds searched to exhaustion (the worlds: docs/guide/fuzz.md#every-world-within-small-bounds---exhaustive)`;
  if (r.mode === 'exhaustive' && r.total !== undefined && !r.complete) {
    const cut = r.worlds - r.exhaustedWorlds;
    return `no violation found in ${r.worlds} of the ${r.total} worlds within the bounds on ${r.kernel}${r.worlds < r.total ? ' (not all searched: no statement about the bounds)' : ''}${cut ? `; ${cut} of them not exhausted` : ''}`;
  }
  const cut = r.worlds - r.exhaustedWorlds;
  return `no violation found in ${r.worlds} world(s) on ${r.kernel}${cut ? ` (${cut} of them not exhausted${r.budget === null ? '' : `: ${r.budget} schedules of each strategy`})` : ', each searched to exhaustion'}`;
}
