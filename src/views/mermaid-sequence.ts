// A trace as a Mermaid `sequenceDiagram`: one participant per actor, one arrow per delivery in
// delivery order (`N event`, a descriptor named, returns dashed), start-up allocations and BUGs as notes, and the
// violations at the end. GitHub and mermaid.live draw it.
import type { TraceEvent } from '../runtime/types.ts';
import type { Violation } from '../oracles/types.ts';
import { writeFileAtomic } from '../files.ts';

/** Mermaid ends a statement at `;`: write it as its entity code. */
const text = (s: string) => s.replace(/;/g, '#59;').replace(/\s+/g, ' ');
const pid = (actor: string) => actor.replace(/\W/g, '_');
const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
/** A queued invalidation's descriptor, named on its arrow (`qi_submit_sync eiotlb psi-pasid`):
 * each qi_submit_sync is one descriptor, and the diagram tells them apart. */
const descOf = (args: Record<string, unknown>) => (typeof args.desc === 'string' ? ` ${args.desc}${typeof args.gran === 'string' ? ` ${args.gran}` : ''}` : '');

export function mermaidSequence(trace: TraceEvent[], violations: Violation[] = [], actors?: string[]): string {
  const order = actors ?? [...new Set(trace.flatMap((e) => (e.from === 'boot' ? [e.to] : [e.from, e.to])))];
  const out = ['sequenceDiagram', ...order.map((a) => `  participant ${pid(a)} as ${text(a)}`)];
  for (const ev of trace) {
    if (ev.from === 'boot') {
      const allocs = ev.effects.flatMap((e) => (e.op === 'alloc' ? [`+${e.obj}`] : []));
      out.push(`  Note over ${pid(ev.to)}: ${ev.step} start-up ${text(allocs.join(' '))}`);
      continue;
    }
    const arrow = ev.event.startsWith('ret.') ? '-->>' : '->>';
    out.push(`  ${pid(ev.from)}${arrow}${pid(ev.to)}: ${ev.step} ${text(ev.event + descOf(ev.args))}`);
    for (const e of ev.effects) if (e.op === 'bug' || e.op === 'fault') out.push(`  Note over ${pid(ev.to)}: ${text(clip(e.op === 'fault' ? `FAULT ${e.message}` : e.message))}`);
  }
  for (const v of violations) {
    const who = (v.actors ?? []).filter((a) => order.includes(a));
    const over = who.length ? who.slice(0, 2).map(pid).join(',') : `${pid(order[0]!)},${pid(order[order.length - 1]!)}`;
    out.push(`  Note over ${over}: [${v.oracle}] step ${v.step}: ${text(clip(v.message))}`);
  }
  return out.join('\n') + '\n';
}

/** `--mermaid FILE`: the run's trace as a sequenceDiagram, written atomically. */
export const writeMermaidSequence = (file: string, run: { trace: TraceEvent[]; violations: Violation[] }): void =>
  writeFileAtomic(file, mermaidSequence(run.trace, run.violations));
