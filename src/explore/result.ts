// What an exploration found, as plain JSON: a job returns it, `--out DIR` saves it as
// summary.json, and `svmsim merge` adds several up (jobs of one run, shards of a CI matrix).
import { parseJsonText } from '../input.ts';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { BadInput } from '../variants/variants.ts';
import { ORACLES, type OracleName, type Violation } from '../oracles/types.ts';
import { parseInput } from '../input.ts';
import type { DfsStats } from '../scheduler/dfs.ts';
import type { MemberRecord } from '../scheduler/member.ts';
import type { StatefulStats } from './stateful.ts';
import { CoverageRecorder, type CoverageCounts, type CoverageData } from './coverage.ts';
import { mergeHistories, type ExploreHistory } from './history.ts';

/** 2: a summary says which run wrote it and which shares it adds up (`run`, `parts`). */
export const RESULT_FORMAT = 2;

/** One run's share of an exploration: merge refuses duplicates and mixed splits. */
export interface Part {
  run: string;
  /** `k/n`. */
  shard: string;
  /** Jobs deal out the shard's seeds (or dfs branches) among themselves: shards of one split
   * must have the same number. */
  jobs: number;
}

export interface ViolationRecord {
  oracle: OracleName;
  /** Schedules in which it fired. */
  count: number;
  /** The first schedule that hit it: its number, its seed and the violation as `run --json` has it. */
  schedule: number;
  seed: number;
  violation: Violation;
  /** portfolio, guided: the member that ran that schedule. */
  member?: MemberRecord;
  /** A world that breaks a contract (faults allowed, a rogue DMA): the faults that fired in that
   * schedule, and whether one of them (or the rogue DMA) can cause the violation (FAULT_KINDS'
   * harms). Unexplained: a bug of the model itself, not of the broken contract. */
  faults?: { fired: string[]; explained: boolean };
  /** The counterexample written for it, and its size before and after shrinking. */
  file?: string;
  deliveries?: number;
  preemptions?: number;
  original?: { deliveries: number; preemptions: number };
}

/** One search of a swarm (swarm.ts): its seed, what it reached, its coverage, what it found. */
export interface SwarmMember {
  member: number;
  states: number;
  transitions: number;
  coverage: number;
  oracles: OracleName[];
}

export interface ExploreResult {
  format: 1 | typeof RESULT_FORMAT;
  /** The run (or merge) that wrote this summary; its files carry the same id. */
  run?: string;
  /** The runs this result adds up: one for a plain run (format 2). */
  parts?: Part[];
  /** The exploration failed: this summary holds what it had found by then. */
  error?: string;
  kernel: string;
  scenario: string;
  strategy: string;
  transport: string;
  seed: number;
  depth?: number;
  delays?: number;
  preemptionBound?: number;
  reorder: boolean;
  maxSteps: number;
  /** Shards and jobs that contributed (`1/1` and 1 for one plain run). */
  shards: string[];
  jobs: number;
  schedules: number;
  /** Runs a search abandoned as redundant (dfs: sleep-set blocked) or owned by another job. */
  pruned: number;
  seconds: number;
  interrupted: boolean;
  /** Runs a worker fault ended (src/runtime/thread-faults.ts), by kind; the pool was respawned after each. */
  workerFaults?: Record<string, number>;
  endStates: string[];
  violations: ViolationRecord[];
  coverage: CoverageData;
  /** How often each state was entered and each transition taken (for the report's shading). */
  coverageCounts?: CoverageCounts;
  /** Schedules, coverage and end states over time (for the report). */
  history?: ExploreHistory;
  /** `swarm`: a swarm of bitstate searches (swarm.ts), each member's states and coverage. */
  dfs?: DfsStats & { estimate?: number; reduction?: string; states?: StatefulStats; swarm?: SwarmMember[] };
}

const sum = <K extends keyof DfsStats>(rs: DfsStats[], k: K) => rs.reduce((n, r) => n + (r[k] as number), 0);

/** Shards `k/n` for every k of one n: the whole space was shared out. */
function allShards(shards: string[]): boolean {
  const ns = new Set(shards.map((s) => s.split('/')[1]));
  if (ns.size !== 1) return false;
  const n = Number([...ns][0]);
  return new Set(shards).size === n;
}

/** Stateful searches of shares of one space: states and transitions add up (a state two shards
 * both reached counts twice; the jobs of one process share a visited set, and expand it once); the
 * schedules covered add up exactly, each share's being its own (the jobs of one process count
 * theirs on their merged state graphs: parallel.ts). */
function mergeStates(parts: StatefulStats[]): StatefulStats {
  const add = (k: keyof Omit<StatefulStats, 'exhausted' | 'graph' | 'top' | 'por' | 'bitstate' | 'symmetry'>) => parts.reduce((n, p) => n + (p[k] ?? Infinity), 0);
  return {
    states: add('states'),
    transitions: add('transitions'),
    complete: add('complete'),
    revisits: add('revisits'),
    foreign: add('foreign'),
    capped: add('capped'),
    paths: add('paths'),
    exhausted: parts.every((p) => p.exhausted),
    top: parts.reduce((n, p) => n + (p.top ?? 0), 0),
    // Every share of one world has the same symmetry.
    ...(parts[0]?.symmetry ? { symmetry: parts[0].symmetry } : {}),
  };
}

/** The shrinker's order (shrink.ts): a shrunk counterexample first, then fewer preemptions, then
 * fewer deliveries. A merge, a campaign and a job all keep the first by it. */
export const smallestFirst = (a: CounterexampleSize, b: CounterexampleSize): number =>
  Number(!isShrunk(a)) - Number(!isShrunk(b)) || (a.preemptions ?? Infinity) - (b.preemptions ?? Infinity) || (a.deliveries ?? Infinity) - (b.deliveries ?? Infinity);

/** A counterexample's size; `shrunk` (a file's flag), or `original` set (a record's: it was shrunk). */
export type CounterexampleSize = { deliveries?: number; preemptions?: number; shrunk?: boolean; original?: unknown };
const isShrunk = (x: CounterexampleSize): boolean => x.shrunk ?? x.original !== undefined;

/** The same exploration's parts, added up. */
export function mergeResults(parts: ExploreResult[]): ExploreResult {
  const [first] = parts;
  if (!first) throw new BadInput('nothing to merge');
  for (const p of parts) {
    for (const f of ['kernel', 'scenario', 'strategy', 'reorder'] as const) {
      if (p[f] !== first[f]) throw new BadInput(`cannot merge explorations with different ${f}: '${String(first[f])}' and '${String(p[f])}'`);
    }
  }
  const byOracle = new Map<OracleName, ViolationRecord>();
  for (const v of parts.flatMap((p) => p.violations)) {
    const had = byOracle.get(v.oracle);
    if (!had) {
      byOracle.set(v.oracle, { ...v });
      continue;
    }
    const firstHit = v.schedule < had.schedule ? v : had;
    const file = [had, v].filter((x) => x.file).sort(smallestFirst)[0];
    byOracle.set(v.oracle, {
      ...had,
      count: had.count + v.count,
      schedule: firstHit.schedule,
      seed: firstHit.seed,
      member: firstHit.member,
      faults: firstHit.faults,
      violation: firstHit.violation,
      file: file?.file,
      deliveries: file?.deliveries,
      preemptions: file?.preemptions,
      original: file?.original,
    });
  }
  const cov = new CoverageRecorder();
  for (const p of parts) cov.add(p.coverage);
  for (const p of parts) cov.addCounts(p.coverageCounts ?? {});
  const history = parts.every((p) => p.history) ? mergeHistories(parts.map((p) => p.history!)) : undefined;
  const dfsParts = parts.map((p) => p.dfs).filter((d): d is NonNullable<ExploreResult['dfs']> => !!d);
  const shares = parts.flatMap((p) => p.parts ?? []);
  const errors = parts.flatMap((p) => (p.error ? [p.error] : []));
  const { error: _e, ...head } = first;
  return {
    ...head,
    ...(shares.length ? { parts: shares } : {}),
    ...(errors.length ? { error: errors.join('; ') } : {}),
    shards: [...new Set(parts.flatMap((p) => p.shards))].sort(),
    jobs: parts.reduce((n, p) => n + p.jobs, 0),
    schedules: parts.reduce((n, p) => n + p.schedules, 0),
    pruned: parts.reduce((n, p) => n + p.pruned, 0),
    seconds: Math.max(...parts.map((p) => p.seconds)),
    interrupted: parts.some((p) => p.interrupted),
    ...mergeCounts(parts.map((p) => p.workerFaults)),
    endStates: [...new Set(parts.flatMap((p) => p.endStates))].sort(),
    violations: [...byOracle.values()].sort((a, b) => a.schedule - b.schedule),
    coverage: cov.data(),
    ...(parts.some((p) => p.coverageCounts) ? { coverageCounts: cov.counts() } : {}),
    ...(history ? { history } : {}),
    ...(dfsParts.length
      ? {
          dfs: {
            schedules: sum(dfsParts, 'schedules'),
            blocked: sum(dfsParts, 'blocked'),
            foreign: sum(dfsParts, 'foreign'),
            asleep: sum(dfsParts, 'asleep'),
            unraced: sum(dfsParts, 'unraced'),
            overBound: sum(dfsParts, 'overBound'),
            exhausted: dfsParts.length === parts.length && dfsParts.every((d) => d.exhausted) && allShards(parts.flatMap((p) => p.shards)),
            estimate: dfsParts.find((d) => d.estimate !== undefined)?.estimate,
            reduction: first.dfs?.reduction,
            ...(dfsParts.every((d) => d.states) ? { states: mergeStates(dfsParts.map((d) => d.states!)) } : {}),
          },
        }
      : {}),
  };
}

const int = z.number().int().min(0);
const ResultSchema = z.object({
  format: z.union([z.literal(1), z.literal(RESULT_FORMAT)]),
  run: z.string().min(1).optional(),
  parts: z.array(z.object({ run: z.string().min(1), shard: z.string().regex(/^\d+\/\d+$/, 'a shard k/n'), jobs: z.number().int().min(1) })).optional(),
  kernel: z.string(),
  scenario: z.string(),
  strategy: z.string(),
  transport: z.string(),
  seed: int,
  reorder: z.boolean(),
  maxSteps: int,
  shards: z.array(z.string().regex(/^\d+\/\d+$/, 'a shard k/n')),
  jobs: int,
  schedules: int,
  pruned: int,
  seconds: z.number().min(0),
  interrupted: z.boolean(),
  endStates: z.array(z.string()),
  violations: z.array(z.object({ oracle: z.enum(ORACLES), count: int, schedule: int, seed: int, violation: z.object({ oracle: z.enum(ORACLES), message: z.string(), step: int }) })),
  coverage: z.record(z.string(), z.object({ states: z.array(z.string()), transitions: z.array(z.string()) })),
  dfs: z.object({ exhausted: z.boolean() }).optional(),
});

/** An exploration's summary.json, validated (one BadInput line naming the file and the field). */
export function readResult(path: string): ExploreResult {
  let json: unknown;
  try {
    json = parseJsonText(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new BadInput(code ? `cannot read ${path}: ${code}` : `${path}: not JSON: ${(e as Error).message}`);
  }
  parseInput(ResultSchema, json, path);
  return json as ExploreResult;
}

/** Worker faults of several parts, summed by kind (absent when none had any). */
function mergeCounts(xs: (Record<string, number> | undefined)[]): { workerFaults?: Record<string, number> } {
  const out: Record<string, number> = {};
  for (const x of xs) for (const [k, n] of Object.entries(x ?? {})) out[k] = (out[k] ?? 0) + n;
  return Object.keys(out).length ? { workerFaults: out } : {};
}
