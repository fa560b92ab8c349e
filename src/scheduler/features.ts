// The coverage a guided search feeds on, read from one run's trace events (P's feedback-guided
// scheduling keeps the schedules that reach something new; here "something" is one of four kinds):
//   pair   two actors' states seen together (the receiver's new state with every other actor's);
//   step   a (state, event) pair: the event an actor received in the state it was in;
//   fate   how an object died: its kind, freed by which delivery in which state; or that it lived on;
//   end    the run's end state: every actor's last state and every object's fate.
// Features are strings, hashed to 32 bits (FNV-1a) so that a long search's set stays small.
import type { TraceEvent } from '../runtime/types.ts';
import { fnv1a } from '../hash.ts';


export type FeatureKind = 'pair' | 'step' | 'fate' | 'end';

/** One run's features, as it goes. */
export class RunFeatures {
  private readonly state = new Map<string, string>();
  private readonly alive = new Map<string, string>();
  private readonly freed: string[] = [];
  /** Each feature, with the delivery (its choice's index) that first reached it in this run. */
  private readonly seen = new Map<number, number>();
  private deliveries = 0;
  private step = 0;

  private add(kind: FeatureKind, s: string): void {
    const h = fnv1a(`${kind}|${s}`);
    if (!this.seen.has(h)) this.seen.set(h, this.step);
  }

  observe(ev: TraceEvent): void {
    this.step = this.deliveries++;
    const before = this.state.get(ev.to) ?? '';
    this.add('step', `${ev.to}|${before}|${ev.event}`);
    this.state.set(ev.to, ev.state);
    for (const [id, st] of this.state) {
      if (id === ev.to) continue;
      this.add('pair', ev.to < id ? `${ev.to}=${ev.state}|${id}=${st}` : `${id}=${st}|${ev.to}=${ev.state}`);
    }
    for (const e of ev.effects) {
      if (e.op === 'alloc') this.alive.set(e.obj, e.kind);
      if (e.op !== 'free') continue;
      this.alive.delete(e.obj);
      const fate = `${e.kind}|${ev.from}>${ev.to}|${ev.event}|${before}`;
      this.freed.push(`${e.obj}:${fate}`);
      this.add('fate', fate);
    }
  }

  /** The run's features, each with the step that first reached it (its end state and the objects
   * that lived on included, at the last step). */
  end(): Map<number, number> {
    for (const kind of new Set(this.alive.values())) this.add('fate', `${kind}|alive`);
    const actors = [...this.state].sort(([a], [b]) => a.localeCompare(b)).map(([id, st]) => `${id}=${st}`);
    const objects = [...this.alive.keys()].sort().concat([...this.freed].sort());
    this.add('end', `${actors.join(';')}#${objects.join(';')}`);
    return this.seen;
  }
}
