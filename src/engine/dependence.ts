// What the engine knows about who can interfere with whom, learned from the deliveries it runs:
// for each actor, the channels its transitions have sent on, and the objects (and object kinds)
// their effects have touched. The partial-order reduction (src/explore/ample.ts) reads it for
// condition C1 of an ample set (E. M. Clarke, O. Grumberg, D. Peled, "Model Checking", MIT Press
// 1999, ch. 10): no transition of another actor that depends on the ample set may run first.
//
// Dependence, as the deliveries' effects define it:
// - two deliveries to one actor are dependent (they read and write its state);
// - a delivery that sends on a channel is dependent on a delivery from that channel only when the
//   channel is empty (the send enables a new head; with reorder, every send enables one);
// - two deliveries whose effects touch one object, one of them writing it (alloc, free, a count),
//   are dependent: the oracles read the order in which objects die and are touched (KASAN: an
//   access after the free). Allocations and frees are writes of their kind too (the PASID
//   allocator's oracle reads every live PASID), and an access naming an mm reads the kind `mm`
//   (the isolation oracle asks which mm owns the object). This makes each oracle's monitor of an
//   object a party to every transition it observes, the way a never claim synchronises with the
//   transitions it reads (Holzmann, "The Model Checker SPIN", 1997, §5): what it observes is
//   ordered in every representative the reduction keeps.
// The knowledge is only what the search has run so far; src/explore/stateful.ts starts a search
// again when something it learns later would have changed a reduction it made (see `touches`).
import type { Delivery } from '../runtime/types.ts';

/** A footprint: object (or kind) key → written (true) or only read. */
type Foot = Map<string, boolean>;

export class Knowledge {
  /** Bumped by every new channel or footprint key. */
  version = 0;
  /** Per actor: channel name → receiver index, for each channel it has sent on. */
  readonly sends: Map<string, number>[];
  readonly foot: Foot[];
  private readonly seen = new WeakSet<object>();
  private readonly index: Map<string, number>;
  /** Per actor: the actors it has sent to (by index), and for each pair whether their footprints
   * conflict (recomputed when `version` moves). */
  private edges: number[][] = [];
  private conflicts: Uint8Array = new Uint8Array(0);
  private at = -1;
  /** Called with (actor, channel receiver or -1, key or '') for each new piece of knowledge. */
  onLearn?: (actor: number, to: number, key: string) => void;

  constructor(readonly ids: readonly string[]) {
    this.index = new Map(ids.map((id, i) => [id, i]));
    this.sends = ids.map(() => new Map());
    this.foot = ids.map(() => new Map());
  }

  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** What actor `a`'s delivery `d` sent and touched (each delivery object once: the engine's are
   * shared by every run that takes the transition). `channels` names each send's channel. */
  learn(a: number, d: Delivery, channels: (i: number) => string): void {
    if (this.seen.has(d)) return;
    this.seen.add(d);
    for (let i = 0; i < d.sends.length; i++) {
      const ch = channels(i);
      if (this.sends[a]!.has(ch)) continue;
      const to = this.indexOf(d.sends[i]!.to);
      this.sends[a]!.set(ch, to);
      this.version++;
      this.onLearn?.(a, to, '');
    }
    for (const e of d.effects) {
      if (e.op === 'alloc' || e.op === 'free') {
        this.touch(a, `o:${e.obj}`, true);
        this.touch(a, `k:${e.kind}`, true);
      } else if (e.op === 'count') this.touch(a, `o:${e.obj}`, true);
      else if (e.op === 'access') {
        this.touch(a, `o:${e.obj}`, false);
        if (e.mm) this.touch(a, 'k:mm', false);
      }
    }
  }

  private touch(a: number, key: string, write: boolean): void {
    const f = this.foot[a]!;
    const had = f.get(key);
    if (had === true || had === write) return;
    f.set(key, write || !!had);
    this.version++;
    this.onLearn?.(a, -1, key);
  }

  /** Whether actor `b`'s footprint holds `key` in conflict with a touch of it (written or not). */
  clashes(b: number, key: string, write: boolean): boolean {
    const w = this.foot[b]!.get(key);
    return w !== undefined && (w || write);
  }

  /** The actors `a` has sent to. */
  targets(a: number): readonly number[] {
    this.refresh();
    return this.edges[a]!;
  }

  /** Whether what `a` and `b` have touched conflicts (one object, one of them writing it). */
  conflict(a: number, b: number): boolean {
    this.refresh();
    return this.conflicts[a * this.ids.length + b] === 1;
  }

  private refresh(): void {
    if (this.at === this.version) return;
    this.at = this.version;
    const n = this.ids.length;
    this.edges = this.sends.map((s) => [...new Set(s.values())].filter((t) => t >= 0));
    this.conflicts = new Uint8Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        let c = false;
        for (const [k, w] of this.foot[a]!) if (this.clashes(b, k, w)) (c = true);
        if (c) this.conflicts[a * n + b] = this.conflicts[b * n + a] = 1;
      }
    }
  }
}
