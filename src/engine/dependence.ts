// What the engine knows about who can interfere with whom, learned from the deliveries it runs,
// per node: a channel (one sender, one receiver: runtime/types.ts channelOf) and an event type
// (a call, `mmput`, or a return, `ret.find_extend_vma`: a return continues the receiver's call,
// so what follows it is that call's, not everything the receiver does). For each node, the nodes
// its deliveries have sent on, and the keys their effects read or changed.
// The partial-order reduction (src/explore/ample.ts) reads it for condition C1 of an ample set
// (E. M. Clarke, O. Grumberg, D. Peled, "Model Checking", MIT Press 1999, ch. 10): no transition
// that depends on the ample set may run first.
//
// Dependence, as the deliveries define it (an actor's delivery is a function of its own state and
// the message; nothing else is shared):
// - two deliveries to one actor are dependent (they read and write its state);
// - a send on a channel is dependent on the receiver's deliveries when the channel is empty (the
//   send enables a new one; with reorder, every send does); on a channel that holds messages it
//   only appends behind the head, which commutes with delivering the head;
// - two deliveries whose keys clash (one key, one of them changing it) are dependent. Keys are the
//   objects the effects touch (alloc, free and a count change one, an access reads it; alloc and
//   free of a PASID or an svm change their kind too, whose live objects the PASID allocator's
//   oracle reads, an alloc of an mm changes the kind `mm`, and an access naming an mm reads it, as
//   the isolation oracle does), and what the trace oracle
//   page-response follows (oracles/page-response.ts pageResponseKeys). So each oracle is a party to
//   the transitions it observes, as a never claim synchronises with the transitions it reads
//   (G. J. Holzmann, "The Model Checker SPIN", 1997): what it observes keeps its order in every run
//   the reduction keeps (C2, the visibility condition).
// The knowledge is what the search has run so far; src/explore/stateful.ts searches again when
// something learned later would have changed a reduction it made (`onLearn`), so the search that
// counts has made every reduction with knowledge of every delivery it ran.
import { pageResponseKeys } from '../oracles/page-response.ts';
import { LIVE_KINDS_READ } from '../oracles/pasid-idr.ts';
import type { ActorSpec, Delivery, Message } from '../runtime/types.ts';

/** A footprint: key → changed (true) or only read. */
export type Foot = Map<string, boolean>;

export class Knowledge {
  /** Bumped by every new channel, send or key. */
  version = 0;
  /** Nodes by channel and event type; per node: its channel, its receiver (actor index), the nodes
   * its deliveries sent on, and what they read or changed. */
  private readonly chIndex = new Map<string, Map<string, number>>();
  readonly names: string[] = [];
  readonly receiver: number[] = [];
  readonly outs: number[][] = [];
  readonly foot: Foot[] = [];
  /** Per delivery object (the engine's are shared by every run that takes the transition): the
   * channels it has been learned from. */
  private readonly seen = new WeakMap<object, Set<number>>();
  private readonly index: Map<string, number>;
  private readonly kinds: Map<string, string>;
  private readonly mms: string[];
  /** Per pair of nodes (c * n + d): unknown (0), their footprints clash (1) or not (2); forgotten
   * when `version` moves. */
  private clash: Uint8Array = new Uint8Array(0);
  private at = -1;
  /** Called with (channel, '' for a new send or the new key) for each new piece of knowledge. */
  onLearn?: (ch: number, key: string) => void;

  constructor(specs: readonly ActorSpec[]) {
    this.index = new Map(specs.map((s, i) => [s.id, i]));
    this.kinds = new Map(specs.map((s) => [s.id, s.kind]));
    this.mms = specs.filter((s) => s.kind === 'mm').map((s) => s.id);
  }

  get nodes(): number {
    return this.receiver.length;
  }

  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** The number of the node of channel `name` (to actor `to`) and event type `type` (a new one
   * knows nothing yet). */
  node(name: string, type: string, to: string): number {
    let byType = this.chIndex.get(name);
    if (!byType) this.chIndex.set(name, (byType = new Map()));
    let c = byType.get(type);
    if (c === undefined) {
      byType.set(type, (c = this.receiver.length));
      this.names.push(name);
      this.receiver.push(this.indexOf(to));
      this.outs.push([]);
      this.foot.push(new Map());
      this.version++;
    }
    return c;
  }

  /** Channel `ch`'s delivery of `m` answered `d`; `sent(i)` names the channel of its i-th send. */
  learn(ch: string, m: Message, d: Delivery, sent: (i: number) => string): void {
    const c = this.node(ch, m.event.type, m.to);
    let from = this.seen.get(d);
    if (!from) this.seen.set(d, (from = new Set()));
    if (from.has(c)) return;
    from.add(c);
    for (let i = 0; i < d.sends.length; i++) {
      const o = this.node(sent(i), d.sends[i]!.event.type, d.sends[i]!.to);
      if (this.outs[c]!.includes(o)) continue;
      this.outs[c]!.push(o);
      this.version++;
      this.onLearn?.(c, '');
    }
    for (const e of d.effects) {
      if (e.op === 'alloc' || e.op === 'free') {
        this.touch(c, `o:${e.obj}`, true);
        // The kinds an oracle reads across objects: pasid-idr the live PASIDs and svms at an alloc;
        // isolation the mm a process owns (ObjectTable.mmOf: its first mm allocated, dead or alive).
        if (LIVE_KINDS_READ.includes(e.kind) || (e.kind === 'mm' && e.op === 'alloc')) this.touch(c, `k:${e.kind}`, true);
      } else if (e.op === 'count') this.touch(c, `o:${e.obj}`, true);
      else if (e.op === 'access') {
        this.touch(c, `o:${e.obj}`, false);
        if (e.mm) this.touch(c, 'k:mm', false);
      }
    }
    const args = m.key ? m.key.args : m.event;
    for (const [key, w] of pageResponseKeys({ from: m.from, to: m.to, event: m.event.type, args }, (id) => this.kinds.get(id), this.mms)) this.touch(c, key, w);
  }

  private touch(c: number, key: string, write: boolean): void {
    const f = this.foot[c]!;
    const had = f.get(key);
    if (had === true || had === write) return;
    f.set(key, write || !!had);
    this.version++;
    this.onLearn?.(c, key);
  }

  /** Whether channel `d`'s footprint holds `key` in conflict with a touch of it (changed or read). */
  clashes(d: number, key: string, write: boolean): boolean {
    const w = this.foot[d]!.get(key);
    return w !== undefined && (w || write);
  }

  /** Whether what nodes `c` and `d` deliver can clash (one key, one of them changing it). */
  conflict(c: number, d: number): boolean {
    const n = this.nodes;
    if (this.at !== this.version) {
      this.at = this.version;
      if (this.clash.length < n * n) this.clash = new Uint8Array(n * n);
      else this.clash.fill(0);
    }
    const i = c * n + d;
    let x = this.clash[i]!;
    if (!x) {
      x = 2;
      for (const [k, w] of this.foot[c]!) if (this.clashes(d, k, w)) (x = 1);
      this.clash[i] = x;
    }
    return x === 1;
  }
}
