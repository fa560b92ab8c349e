// An exploration over time, for its report: schedules run so far (sampled), when each state and
// transition was first covered, and each distinct end state with how many schedules ended there
// and what it is. Plain JSON, merged across jobs and shards as the rest of the result is.
import type { ActorView } from '../runtime/types.ts';
import type { ObjRecord } from '../trace/objects.ts';
import { COUNT_FIELDS } from '../../machines/objects.ts';

export interface EndStateInfo {
  /** Schedules that ended there. */
  count: number;
  /** Seconds into the exploration when it was first reached. */
  first: number;
  /** What it is: the objects still alive and the actors left waiting. */
  label: string;
  /** Every actor's state and every object's fate and counts (what the hash is of). */
  detail?: string[];
}

export interface ExploreHistory {
  /** [seconds, schedules so far], about every SAMPLE_S and at the end. */
  samples: [number, number][];
  /** Seconds at which each state and transition (by id) was first covered. */
  covered: Record<string, number>;
  /** By end-state hash (as in `endStates`). */
  endStates: Record<string, EndStateInfo>;
}

export const SAMPLE_S = 0.1;

const seconds = (ms: number) => Number((ms / 1000).toFixed(3));

/** An end state in words: what outlived the run and who still waits. */
export function endStateLabel(views: ActorView[], objects: ObjRecord[]): string {
  const alive = objects.filter((o) => o.alive).map((o) => o.id).sort();
  const waiting = views.filter((v) => v.waiting).map((v) => `${v.id} in ${v.state}`).sort();
  return [alive.length ? `alive: ${alive.join(', ')}` : 'every object freed', ...(waiting.length ? [`waiting: ${waiting.join('; ')}`] : [])].join(' · ');
}

/** What an end state's hash is made of, one item per actor and object. */
export function endStateDetail(views: ActorView[], objects: ObjRecord[]): string[] {
  const counts = (o: ObjRecord) => COUNT_FIELDS.flatMap((f) => (o[f] === undefined ? [] : [`${f}=${o[f]}`])).join(' ');
  return [
    ...[...views].sort((a, b) => a.id.localeCompare(b.id)).map((v) => `${v.id} ${v.state}${v.waiting ? ' (waiting)' : ''}`),
    ...[...objects].sort((a, b) => a.id.localeCompare(b.id)).map((o) => `${o.id} ${o.alive ? 'alive' : 'freed'}${counts(o) ? ` ${counts(o)}` : ''}`),
  ];
}

export class HistoryRecorder {
  private readonly samples: [number, number][] = [[0, 0]];
  private readonly ends = new Map<string, EndStateInfo>();
  private last = 0;
  private lastMs = 0;

  constructor(private readonly t0 = performance.now()) {}

  /** Seconds since the start (the coverage recorder's clock). */
  readonly clock = (): number => seconds(performance.now() - this.t0);

  /** A schedule judged at `now` (performance.now()): `schedules` so far, and its end state (null:
   * cut short). Seconds are worked out only for what is kept (a new end state, a sample). */
  schedule(schedules: number, end: string | null, views: ActorView[], objects: Iterable<unknown> | null, now = performance.now()): void {
    if (end !== null) {
      const e = this.ends.get(end);
      if (e) e.count++;
      else {
        const objs = [...(objects ?? [])] as ObjRecord[];
        this.ends.set(end, { count: 1, first: seconds(now - this.t0), label: endStateLabel(views, objs), detail: endStateDetail(views, objs) });
      }
    }
    if (now - this.lastMs >= SAMPLE_S * 1000) {
      const t = seconds(now - this.t0);
      if (t - this.last >= SAMPLE_S) {
        this.samples.push([t, schedules]);
        this.last = t;
      }
      this.lastMs = now;
    }
  }

  result(schedules: number, covered: Record<string, number>): ExploreHistory {
    const t = this.clock();
    const samples = [...this.samples];
    if (samples.at(-1)![1] !== schedules || samples.length === 1) samples.push([t, schedules]);
    return { samples, covered, endStates: Object.fromEntries([...this.ends].sort(([a], [b]) => a.localeCompare(b))) };
  }
}

/** A step function's value at `t`: the last sample at or before it. */
const at = (samples: [number, number][], t: number): number => {
  let v = 0;
  for (const [s, n] of samples) if (s <= t) v = n;
  return v;
};

/** Parts run side by side (jobs, shards): schedules add up at each time, an item was covered
 * when the first part covered it, end-state counts add up. */
export function mergeHistories(parts: ExploreHistory[]): ExploreHistory | undefined {
  if (!parts.length) return undefined;
  const times = [...new Set(parts.flatMap((p) => p.samples.map(([t]) => t)))].sort((a, b) => a - b);
  const covered: Record<string, number> = {};
  const endStates: Record<string, EndStateInfo> = {};
  for (const p of parts) {
    for (const [id, t] of Object.entries(p.covered)) covered[id] = Math.min(covered[id] ?? Infinity, t);
    for (const [h, e] of Object.entries(p.endStates)) {
      const had = endStates[h];
      endStates[h] = had ? { ...had, count: had.count + e.count, first: Math.min(had.first, e.first) } : { ...e };
    }
  }
  const sorted = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return { samples: times.map((t) => [t, parts.reduce((n, p) => n + at(p.samples, t), 0)]), covered: sorted(covered), endStates: sorted(endStates) };
}
