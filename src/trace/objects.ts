// The object table, folded from a trace: every kernel object's kind, counts, and lifetime (who
// allocated it, when, who freed it). Views and oracles read this; nothing reads actor contexts.
import type { KObj } from '../../machines/kernel.ts';
import type { TraceEvent } from '../runtime/types.ts';
import { attribute, StatesBefore } from './cause.ts';

export interface ObjRecord {
  id: string;
  kind: KObj['kind'];
  owner: string;
  alive: boolean;
  allocStep: number;
  /** The kernel path and thread that allocated it. */
  allocBy: string;
  freedStep: number | null;
  /** The kernel path and thread that freed it: `exit_mmap (process#1)`. */
  freedBy: string | null;
  mm_users?: number;
  mm_count?: number;
  f_count?: number;
  users?: number;
  refs?: string[];
  links?: string[];
}

export class ObjectTable {
  readonly byId = new Map<string, ObjRecord>();
  private readonly before: StatesBefore;

  constructor(private readonly trace: TraceEvent[]) {
    this.before = new StatesBefore(trace);
  }

  /** Apply one step's alloc/free/count effects. */
  apply(ev: TraceEvent): void {
    for (const e of ev.effects) {
      if (e.op === 'alloc') {
        const allocBy = ev.from === 'boot' ? 'boot' : attribute(this.trace, ev.step, e.kind, this.before);
        this.byId.set(e.obj, { id: e.obj, kind: e.kind, owner: e.owner, alive: true, allocStep: ev.step, allocBy, freedStep: null, freedBy: null, ...(e.init as object) });
      } else if (e.op === 'free') {
        const r = this.byId.get(e.obj);
        if (r && r.alive) Object.assign(r, { alive: false, freedStep: ev.step, freedBy: attribute(this.trace, ev.step, r.kind, this.before) });
      } else if (e.op === 'count') {
        const r = this.byId.get(e.obj);
        if (r) (r as unknown as Record<string, unknown>)[e.field] = e.to;
      }
    }
  }

  get(id: string): ObjRecord | undefined {
    return this.byId.get(id);
  }

  all(): ObjRecord[] {
    return [...this.byId.values()];
  }

  /** The process owning an mm: `mm#2` → `process#2`. */
  mmOf(owner: string): string | undefined {
    for (const r of this.byId.values()) if (r.kind === 'mm' && r.owner === owner) return r.id;
    return undefined;
  }
}

export function objectTable(trace: TraceEvent[]): ObjectTable {
  const t = new ObjectTable(trace);
  for (const ev of trace) t.apply(ev);
  return t;
}

/** The JSON form of `run --json`'s objects: counts by their kernel names. */
export const objectJson = (r: ObjRecord) => {
  const { id, kind, alive, owner, allocStep, allocBy, freedStep, freedBy, ...counts } = r;
  return { kind, id, alive, owner, allocStep, allocBy, freedStep, freedBy, ...counts };
};
