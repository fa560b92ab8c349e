// A run's terminal state, hashed: every actor's state and every object's lifetime and counts.
// Two schedules that only permute independent deliveries end in the same one. A 64-bit content
// hash (the engine's strHash, not a cryptographic digest: a hash per judged run is on the hot path).
import type { ActorView } from '../runtime/types.ts';
import { COUNT_FIELDS } from '../../machines/objects.ts';
import type { ObjRecord } from '../trace/objects.ts';
import { strHash } from '../engine/hash.ts';

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

export function endStateHash(views: ActorView[], objects: Iterable<Pick<ObjRecord, 'id' | 'alive' | (typeof COUNT_FIELDS)[number]>>): string {
  let text = '';
  for (const v of [...views].sort(byId)) text += `${v.id}=${v.state}${v.waiting ? '*' : ''};`;
  for (const o of [...objects].sort(byId)) {
    text += `${o.id}:${o.alive ? 'A' : 'F'}`;
    for (const f of COUNT_FIELDS) if (o[f] !== undefined) text += `,${o[f]}`;
    text += ';';
  }
  const h = strHash(text);
  return hex8(h.hi) + hex8(h.lo);
}
