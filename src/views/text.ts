// The text views of a run: the timeline (one line per delivery), the object table, the verdict.
import { COUNT_FIELDS } from '../../machines/objects.ts';
import type { Effect, TraceEvent } from '../runtime/types.ts';
import type { Violation } from '../oracles/types.ts';
import type { ObjRecord } from '../trace/objects.ts';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

const change = (e: Effect): string | null => {
  switch (e.op) {
    case 'alloc':
      return `+${e.obj}${Object.keys(e.init).filter((k) => k !== 'refs' && k !== 'links').length ? `(${Object.entries(e.init).filter(([k]) => k !== 'refs' && k !== 'links').map(([k, v]) => `${k} ${String(v)}`).join(', ')})` : ''}`;
    case 'free':
      return `-${e.obj}`;
    case 'count':
      return e.field === 'refs' || e.field === 'links' ? null : `${e.obj}.${e.field} ${String(e.from)}→${String(e.to)}`;
    case 'bug':
      return `!! ${e.message}`;
    case 'warn':
      return `! ${e.message}`;
    case 'dropped':
      return `!! ${e.event} dropped in ${e.state}`;
    case 'fault':
      return `FAULT ${e.message}`;
    default:
      return null;
  }
};

/** `  41  prq → mm#1  handle_mm_fault  [lifecycle.exit_mmap.free_pgtables]  +pt#1.1` */
export function timelineLine(ev: TraceEvent): string {
  const changes = ev.effects.map(change).filter((x): x is string => x !== null);
  const route = `${ev.from} → ${ev.to}`;
  // Free-running: the thread (worker) that ran it and its Lamport clock.
  const thread = ev.thread ? ` @${ev.thread}:${ev.clock}` : '';
  return `${String(ev.step).padStart(4)}  ${pad(route, 22)} ${pad(ev.event, 28)} [${ev.state}]${thread}${changes.length ? '  ' + changes.join('  ') : ''}`;
}

export const timeline = (trace: TraceEvent[]): string => trace.map(timelineLine).join('\n');


export function objectTableText(objs: ObjRecord[]): string {
  const rows = objs.map((r) => [
    r.kind,
    r.id,
    COUNT_FIELDS.filter((f) => r[f] !== undefined).map((f) => `${f}=${r[f]}`).join(' ') || '-',
    r.alive ? 'ALIVE' : `freed @${r.freedStep} by ${r.freedBy}`,
    r.owner,
  ]);
  const head = ['kind', 'id', 'counts', 'lifetime', 'owner'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function verdictText(violations: Violation[]): string {
  if (!violations.length) return 'verdict: OK — no oracle fired';
  return [`verdict: ${violations.length} violation(s)`, ...violations.map((v) => `  [${v.oracle}] step ${v.step}: ${v.message}`)].join('\n');
}
