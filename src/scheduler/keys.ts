// Stable names for messages across re-executions. `seq` depends on the interleaving (two
// independent deliveries swap their sends' numbers); "the n-th message on channel ch" does not,
// because a channel's messages come from one sender in that sender's order.
import { channelOf, type Message } from '../runtime/types.ts';

export class MessageKeys {
  private readonly next = new Map<string, number>();
  private readonly bySeq = new Map<number, string>();

  reset(): void {
    this.next.clear();
    this.bySeq.clear();
  }

  /** Call with every enabled message, in seq order, at every step: ordinals follow send order
   * because a channel's messages become visible (head of queue, or all with `reorder`) in it. */
  key(m: Message): string {
    let k = this.bySeq.get(m.seq);
    if (k === undefined) {
      const ch = channelOf(m);
      const n = this.next.get(ch) ?? 0;
      this.next.set(ch, n + 1);
      k = `${ch}#${n}`;
      this.bySeq.set(m.seq, k);
    }
    return k;
  }
}

/** The receiver of a channel `from[:lane]>to`. */
export const receiverOf = (ch: string): string => ch.slice(ch.lastIndexOf('>') + 1);
/** The channel of a key `from>to#n`. */
export const channelOfKey = (key: string): string => key.slice(0, key.lastIndexOf('#'));
