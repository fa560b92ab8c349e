// kmemleak at quiescence: every object of an exited process that is still alive. When the leaked
// objects pin each other in a ring (the seed's bug), the report names the cycle.
import { COUNT_FIELDS } from '../../machines/objects.ts';
import type { ObjRecord } from '../trace/objects.ts';
import type { Oracle } from './types.ts';

const counts = (r: ObjRecord) =>
  COUNT_FIELDS
    .filter((f) => r[f] !== undefined)
    .map((f) => `${f} ${r[f]}`)
    .join(', ');

/** A ring through `refs`: mm → vma → file → svm → mm. */
function findCycle(leaked: Map<string, ObjRecord>): string[] | null {
  for (const start of leaked.keys()) {
    const path: string[] = [];
    const walk = (id: string): boolean => {
      if (path.length && id === start) return true;
      if (path.includes(id) || !leaked.has(id)) return false;
      path.push(id);
      for (const next of leaked.get(id)!.refs ?? []) if (walk(next)) return true;
      path.pop();
      return false;
    };
    if (walk(start)) return path;
  }
  return null;
}

const EDGE: Record<string, string> = {
  mm: 'maps',
  vma: 'holds f_count of',
  file: 'is bound to (release would unbind)',
  svm: 'holds mm_users of',
};

/** The step at which each mm's mm_users reached 0 (the address space became defunct). */
function defunctAt(trace: Parameters<Oracle>[0]['trace']): Map<string, number> {
  const at = new Map<string, number>();
  for (const ev of trace) for (const e of ev.effects) if (e.op === 'count' && e.field === 'mm_users' && e.to === 0 && !at.has(e.obj)) at.set(e.obj, ev.step);
  return at;
}

export const kmemleak: Oracle = ({ trace, objects, views, quiescent, cut }) => {
  if (!quiescent || cut) return [];
  const dead = new Set(views.filter((v) => v.kind === 'process' && v.state === 'dead').map((v) => v.id));
  const leaked = [...objects.states()].filter((r) => r.alive && dead.has(r.owner)).map((r) => objects.get(r.id)!);
  if (!leaked.length) return [];
  const byId = new Map(leaked.map((r) => [r.id, r]));
  const cycle = findCycle(byId);
  const ring = cycle
    ? `; reference cycle: ${cycle.map((id, i) => `${id} ${EDGE[byId.get(id)!.kind] ?? '→'} ${cycle[(i + 1) % cycle.length]}`).join(', ')}`
    : '';
  const list = leaked.map((r) => (counts(r) ? `${r.id} (${counts(r)})` : r.id)).join(', ');
  // Pages and page tables populated after exit_mmap began: a fault served in a defunct mm.
  const defunct = defunctAt(trace);
  const late = leaked.filter((r) => (r.kind === 'page' || r.kind === 'pt') && r.allocStep > (defunct.get(objects.mmOf(r.owner) ?? '') ?? Infinity));
  const lateNote = late.length
    ? `; ${late.map((r) => `${r.id} populated at step ${r.allocStep} by ${r.allocBy}`).join(', ')}, after ${objects.mmOf(late[0]!.owner)} went defunct at step ${defunct.get(objects.mmOf(late[0]!.owner)!)}`
    : '';
  return [
    {
      oracle: 'leak',
      message: `kmemleak: ${leaked.length} unreferenced objects after exit of ${[...new Set(leaked.map((r) => r.owner))].join(', ')}: ${list}${ring}${lateNote}`,
      step: trace.length,
      objects: leaked.map((r) => r.id),
    },
  ];
};
