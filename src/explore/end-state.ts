// A run's terminal state, hashed: every actor's state and every object's lifetime and counts.
// Two schedules that only permute independent deliveries end in the same one.
import { createHash } from 'node:crypto';
import type { ActorView } from '../runtime/types.ts';
import { COUNT_FIELDS } from '../../machines/kernel.ts';
import type { ObjRecord } from '../trace/objects.ts';


export function endStateHash(views: ActorView[], objects: Iterable<Pick<ObjRecord, 'id' | 'alive' | (typeof COUNT_FIELDS)[number]>>): string {
  const h = createHash('sha1');
  for (const v of [...views].sort((a, b) => a.id.localeCompare(b.id))) h.update(`${v.id}=${v.state}${v.waiting ? '*' : ''};`);
  for (const o of [...objects].sort((a, b) => a.id.localeCompare(b.id))) {
    h.update(`${o.id}:${o.alive ? 'A' : 'F'}${COUNT_FIELDS.map((f) => (o[f] === undefined ? '' : `,${o[f]}`)).join('')};`);
  }
  return h.digest('hex').slice(0, 16);
}
