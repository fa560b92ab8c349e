// Two traces aligned: a longest common subsequence of their deliveries (who sent what to whom),
// so a run that only inserts a few steps lines up again after them; and how far apart they are.
// The diff view draws the alignment; the nearest-passing search (explore/nearest.ts) ranks by it.
import type { TraceEvent } from '../runtime/types.ts';

/** One row of the aligned diagrams: a step of A, of B, or of both. */
export interface DiffRow {
  a: number | null;
  b: number | null;
  /** both: the same delivery with the same outcome; changed: the same delivery, another outcome
   * (state or effects); a / b: a delivery only that run made. */
  kind: 'both' | 'changed' | 'a' | 'b';
}

/** The delivery itself: who sent what to whom (not when, not its sequence number). */
const deliveryKey = (e: TraceEvent) => `${e.from}>${e.to} ${e.event} ${JSON.stringify(e.args)}`;
/** What it did: the receiver's state after and the effects. */
const outcomeKey = (e: TraceEvent) => `${e.state} ${JSON.stringify(e.effects)}`;

/** Rows aligning two traces: an LCS of their deliveries (O(n·m) time; traces are bounded by
 * --max-steps). */
export function alignTraces(a: TraceEvent[], b: TraceEvent[]): DiffRow[] {
  const ka = a.map(deliveryKey);
  const kb = b.map(deliveryKey);
  const n = ka.length;
  const m = kb.length;
  // L[i][j]: LCS length of a[i..] and b[j..], one flat array.
  const L = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) L[at(i, j)] = ka[i] === kb[j] ? L[at(i + 1, j + 1)]! + 1 : Math.max(L[at(i + 1, j)]!, L[at(i, j + 1)]!);
  }
  const rows: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && ka[i] === kb[j]) {
      rows.push({ a: i, b: j, kind: outcomeKey(a[i]!) === outcomeKey(b[j]!) ? 'both' : 'changed' });
      i++;
      j++;
    } else if (j >= m || (i < n && L[at(i + 1, j)]! >= L[at(i, j + 1)]!)) rows.push({ a: i++, b: null, kind: 'a' });
    else rows.push({ a: null, b: j++, kind: 'b' });
  }
  return rows;
}

/** How far apart two traces are: the deliveries not in their common subsequence. */
export function traceDistance(a: TraceEvent[], b: TraceEvent[]): number {
  const rows = alignTraces(a, b);
  return rows.filter((r) => r.kind === 'a' || r.kind === 'b').length + rows.filter((r) => r.kind === 'changed').length;
}
