// The fingerprint of a state's orbit under a world's symmetry (src/scenario/symmetry.ts): the
// least, over every permutation, of the fingerprint the state would have with its names permuted.
// Two states with one canonical fingerprint are one state up to a renaming, so a stateful search
// that stores it expands one state of each orbit (E. M. Clarke, T. Filkorn and S. Jha, "Exploiting
// symmetry in temporal logic model checking", CAV 1993; Ip and Dill's scalarsets). Each component
// is hashed as the fingerprint hashes it (hash.ts): an actor's state text, a channel's name, each
// message's event, all renamed first. Renamed hashes are kept per actor state, per channel and per
// event, so a state's orbit costs one XOR per component and permutation once they are known.
import type { Scenario } from '../scenario/schema.ts';
import { symmetryOf, type Renaming, type Symmetry } from '../scenario/symmetry.ts';
import type { World } from '../scenario/world.ts';
import type { Message } from '../runtime/types.ts';
import { strHash, xorActor, xorChannel, type Fp } from './hash.ts';
import type { GlobalState } from './state.ts';

export class Canonical {
  /** By the component object (the table hands out one per interned state), then by its value. */
  private readonly byHash = new WeakMap<Fp, Fp[]>();
  private readonly byState = new Map<string, Fp[]>();
  private readonly byChannel = new Map<string, Fp[]>();
  private readonly byEvent = new WeakMap<object, Fp[]>();
  private readonly fps: Fp[];

  constructor(
    readonly symmetry: Symmetry,
    /** The text of actor `i`'s state now (Transport.stateText). */
    private readonly textOf: (i: number) => string,
  ) {
    this.fps = symmetry.perms.map(() => ({ hi: 0, lo: 0 }));
  }

  private get perms(): Renaming[] {
    return this.symmetry.perms;
  }

  /** Actor `i`'s state (its component hash `h`) under every permutation. */
  private actor(i: number, h: Fp): Fp[] {
    const known = this.byHash.get(h);
    if (known) return known;
    const key = `${i}:${h.hi}:${h.lo}`;
    let out = this.byState.get(key);
    if (!out) {
      const text = this.textOf(i);
      this.byState.set(key, (out = this.perms.map((p) => strHash(p.rename(text)))));
    }
    this.byHash.set(h, out);
    return out;
  }

  private channel(ch: string): Fp[] {
    let out = this.byChannel.get(ch);
    if (!out) this.byChannel.set(ch, (out = this.perms.map((p) => strHash(p.rename(ch)))));
    return out;
  }

  private event(m: Message): Fp[] {
    let out = this.byEvent.get(m.event);
    if (!out) {
      const text = JSON.stringify(m.event);
      this.byEvent.set(m.event, (out = this.perms.map((p) => strHash(p.rename(text)))));
    }
    return out;
  }

  /** The least fingerprint of the state's orbit (a fresh object). */
  key(g: GlobalState): Fp {
    const { perms, fps } = this;
    for (const fp of fps) fp.hi = fp.lo = 0;
    for (let i = 0; i < g.actorCount; i++) {
      const hs = this.actor(i, g.actorHash(i));
      for (let p = 0; p < perms.length; p++) xorActor(fps[p]!, perms[p]!.to[i]!, hs[p]!);
    }
    for (const [ch, q] of g.inFlight()) {
      if (!q.length) continue;
      const cs = this.channel(ch);
      for (let p = 0; p < perms.length; p++) xorChannel(fps[p]!, cs[p]!, q, (m) => this.event(m)[p]!);
    }
    let best = fps[0]!;
    for (const fp of fps) if (fp.hi < best.hi || (fp.hi === best.hi && fp.lo < best.lo)) best = fp;
    return { hi: best.hi, lo: best.lo };
  }
}

/** The canonical fingerprint of a world's states, or null where the world has no symmetry. */
export function canonicalOf(s: Scenario, w: World, textOf: (i: number) => string): Canonical | null {
  const sym = symmetryOf(s, w);
  return sym ? new Canonical(sym, textOf) : null;
}
