// The object table, folded from a trace: every kernel object's kind, counts, and lifetime (who
// allocated it, when, who freed it). Views and oracles read this; nothing reads actor contexts.
import type { KObj } from '../../machines/objects.ts';
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

/** A record without who allocated or freed it (no walk up the call chain to work them out). */
export type ObjState = Readonly<Omit<ObjRecord, 'allocBy' | 'freedBy'>>;

/** One change apply() made, for undo: a record's field as it was, or an object/free first seen. */
type Change = { r: ObjRecord; field: string; was: unknown } | { alloc: string; was: ObjRecord | undefined } | { freed: string; was: number | undefined };

export class ObjectTable {
  private readonly byId = new Map<string, ObjRecord>();
  private readonly freed = new Map<string, number>();
  private readonly before: StatesBefore | null;
  /** Records whose allocBy / freedBy are not worked out yet. */
  private readonly unresolved = new Set<ObjRecord>();
  /** With undo: every change, newest last. */
  private readonly changes: Change[] | null;
  /** mmOf's answers, made when first asked, dropped when the objects change (an alloc, an undo). */
  private mms: Map<string, string> | null = null;

  /** `undoable`: a search's table, walked forward and back along one path (its records name no
   * allocating or freeing path: the trace under them changes). */
  constructor(
    private readonly trace: TraceEvent[],
    undoable = false,
  ) {
    this.before = undoable ? null : new StatesBefore(trace);
    this.changes = undoable ? [] : null;
  }

  /** Apply one step's alloc/free/count effects. Who allocated and freed an object (a walk up the
   * call chain) is worked out when the record is first read: most runs' objects never are. */
  apply(ev: TraceEvent): void {
    for (const e of ev.effects) {
      if (e.op === 'alloc') {
        if (e.kind === 'mm') this.mms = null;
        const r = { id: e.obj, kind: e.kind, owner: e.owner, alive: true, allocStep: ev.step, allocBy: '', freedStep: null, freedBy: null, ...(e.init as object) } as ObjRecord;
        this.changes?.push({ alloc: e.obj, was: this.byId.get(e.obj) });
        this.byId.set(e.obj, r);
        if (this.before) this.unresolved.add(r);
      } else if (e.op === 'free') {
        this.changes?.push({ freed: e.obj, was: this.freed.get(e.obj) });
        this.freed.set(e.obj, ev.step);
        const r = this.byId.get(e.obj);
        if (r && r.alive) {
          this.set(r, 'alive', false);
          this.set(r, 'freedStep', ev.step);
          if (this.before) this.unresolved.add(r);
        }
      } else if (e.op === 'count') {
        const r = this.byId.get(e.obj);
        if (r) this.set(r, e.field, e.to);
      }
    }
  }

  private set(r: ObjRecord, field: string, v: unknown): void {
    const o = r as unknown as Record<string, unknown>;
    this.changes?.push({ r, field, was: o[field] });
    o[field] = v;
  }

  /** Changes so far: undoTo(mark) takes back every change made after. */
  get mark(): number {
    return this.changes?.length ?? 0;
  }

  undoTo(mark: number): void {
    const cs = this.changes!;
    while (cs.length > mark) {
      const c = cs.pop()!;
      if ('r' in c) (c.r as unknown as Record<string, unknown>)[c.field] = c.was;
      else if ('alloc' in c) {
        if (this.byId.get(c.alloc)?.kind === 'mm') this.mms = null;
        if (c.was) this.byId.set(c.alloc, c.was);
        else this.byId.delete(c.alloc);
      } else if (c.was === undefined) this.freed.delete(c.freed);
      else this.freed.set(c.freed, c.was);
    }
  }

  private resolved(r: ObjRecord): ObjRecord {
    if (!this.before || !this.unresolved.delete(r)) return r;
    if (!r.allocBy) r.allocBy = this.trace[r.allocStep]?.from === 'boot' ? 'boot' : attribute(this.trace, r.allocStep, r.kind, this.before);
    if (r.freedStep !== null && r.freedBy === null) r.freedBy = attribute(this.trace, r.freedStep, r.kind, this.before);
    return r;
  }

  get(id: string): ObjRecord | undefined {
    const r = this.byId.get(id);
    return r && this.resolved(r);
  }

  all(): ObjRecord[] {
    return [...this.byId.values()].map((r) => this.resolved(r));
  }

  /** Alive, kind, owner and counts only (who allocated or freed it is not worked out). */
  states(): ObjState[] {
    return [...this.byId.values()];
  }

  /** One object's record without who allocated or freed it. */
  peek(id: string): ObjState | undefined {
    return this.byId.get(id);
  }

  /** The step that last freed `id` (whether or not the trace allocated it). */
  freedAt(id: string): number | undefined {
    return this.freed.get(id);
  }

  /** The mm of a process: `process#2` → `mm#2` (the first mm it owns). */
  mmOf(owner: string): string | undefined {
    if (!this.mms) {
      this.mms = new Map();
      for (const r of this.byId.values()) if (r.kind === 'mm' && !this.mms.has(r.owner)) this.mms.set(r.owner, r.id);
    }
    return this.mms.get(owner);
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
