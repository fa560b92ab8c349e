// Two runs side by side: their deliveries aligned (../trace/align.ts: a run that only inserts a few
// steps lines up again after them), the first step where they part, and the objects whose fate
// differs (freed against leaked, or freed by someone else).
import type { TraceEvent } from '../runtime/types.ts';
import { alignTraces, type DiffRow } from '../trace/align.ts';
import { objectTable, type ObjRecord } from '../trace/objects.ts';
import { buildReport, type ReportData, type ReportInput } from './report-model.ts';

export interface Parting {
  row: number;
  a: number | null;
  b: number | null;
  /** In words: what each run did there. */
  what: string;
}

export interface FateDiff {
  id: string;
  kind: string;
  a: string;
  b: string;
}

export interface DiffSide {
  label: string;
  verdict: string;
  steps: number;
  violations: { oracle: string; message: string; step: number }[];
}

export interface DiffResult {
  a: DiffSide;
  b: DiffSide;
  /** null: the runs are the same, step for step. */
  parted: Parting | null;
  fates: FateDiff[];
  counts: { both: number; changed: number; onlyA: number; onlyB: number };
  rows: DiffRow[];
}

/** Effects in short: `mm#1.mm_users 1→2`, `+pt#1.1`, `-vma#1`, `BUG(leak)`. */
const effectsText = (e: TraceEvent): string =>
  e.effects
    .map((f) => (f.op === 'count' ? `${f.obj}.${f.field} ${String(f.from)}→${String(f.to)}` : f.op === 'alloc' ? `+${f.obj}${Object.keys(f.init).length ? ` ${JSON.stringify(f.init)}` : ''}` : f.op === 'free' ? `-${f.obj}` : f.op === 'bug' ? `BUG(${f.oracle})` : f.op === 'access' ? `access ${f.obj}` : `warn`))
    .join(', ') || 'no effect';

const describe = (e: TraceEvent | undefined) => (e ? `${e.from} → ${e.to} ${e.event} (now ${e.state})` : 'nothing (its run has ended)');

const outcomes = (x: TraceEvent, y: TraceEvent) =>
  x.state !== y.state ? `A ends in ${x.state}, B in ${y.state}` : `A ${effectsText(x)}; B ${effectsText(y)}`;

function parting(rows: DiffRow[], a: TraceEvent[], b: TraceEvent[]): Parting | null {
  const row = rows.findIndex((r) => r.kind !== 'both');
  if (row < 0) return null;
  const r = rows[row]!;
  // The first step of each run from that row on.
  const nextA = rows.slice(row).find((x) => x.a !== null)?.a ?? null;
  const nextB = rows.slice(row).find((x) => x.b !== null)?.b ?? null;
  const what =
    r.kind === 'changed'
      ? `both deliver ${a[r.a!]!.from} → ${a[r.a!]!.to} ${a[r.a!]!.event}, with another outcome: ${outcomes(a[r.a!]!, b[r.b!]!)}`
      : `A: ${describe(nextA === null ? undefined : a[nextA])}; B: ${describe(nextB === null ? undefined : b[nextB])}`;
  return { row, a: nextA, b: nextB, what };
}

/** An object's fate, in words. */
export const fateOf = (o: ObjRecord | undefined): string =>
  !o ? 'never allocated' : o.alive ? `leaked: alive at the end${o.mm_users !== undefined ? ` (mm_users ${o.mm_users}, mm_count ${o.mm_count})` : ''}` : `freed at step ${o.freedStep} by ${o.freedBy}`;

/** Same fate: both alive, or both freed by the same kernel path and thread. */
const sameFate = (x: ObjRecord | undefined, y: ObjRecord | undefined) => !!x && !!y && x.alive === y.alive && x.freedBy === y.freedBy;

function fates(a: TraceEvent[], b: TraceEvent[]): FateDiff[] {
  const ta = objectTable(a);
  const tb = objectTable(b);
  const ids = [...new Set([...ta.all(), ...tb.all()].map((o) => o.id))];
  return ids.flatMap((id) => {
    const x = ta.get(id);
    const y = tb.get(id);
    return sameFate(x, y) ? [] : [{ id, kind: (x ?? y)!.kind, a: fateOf(x), b: fateOf(y) }];
  });
}

const side = (label: string, input: ReportInput): DiffSide => ({
  label,
  verdict: input.violations.length ? [...new Set(input.violations.map((v) => v.oracle))].join(', ') : 'OK',
  steps: input.trace.length,
  violations: input.violations.map((v) => ({ oracle: v.oracle, message: v.message, step: v.step })),
});

export function diffRuns(a: ReportInput, b: ReportInput, labels: [string, string]): DiffResult {
  const rows = alignTraces(a.trace, b.trace);
  const count = (k: DiffRow['kind']) => rows.filter((r) => r.kind === k).length;
  return {
    a: side(labels[0], a),
    b: side(labels[1], b),
    parted: parting(rows, a.trace, b.trace),
    fates: fates(a.trace, b.trace),
    counts: { both: count('both'), changed: count('changed'), onlyA: count('a'), onlyB: count('b') },
    rows,
  };
}

/** What the diff page draws: the comparison and each run's trace-viewer data. */
export interface DiffPageData {
  diff: DiffResult;
  a: ReportData;
  b: ReportData;
}

export function buildDiff(a: ReportInput, b: ReportInput, labels: [string, string]): DiffPageData {
  return { diff: diffRuns(a, b, labels), a: buildReport(a), b: buildReport(b) };
}
