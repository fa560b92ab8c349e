// A worker's outgoing messages when running free. Without jitter a send leaves at once; with
// `--jitter MAX_US` each waits a seeded random 0..MAX_US µs, except that a message never
// overtakes an earlier one on its own channel (a channel is FIFO, like a MessagePort).
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

const nowUs = () => performance.now() * 1000;

interface Held {
  due: number;
  send: () => void;
}

export class Outbox {
  private queue: Held[] = [];
  private lastDue = new Map<string, number>();
  private rng: JumpableRandomGenerator = xoroshiro128plus(0);
  private maxUs = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  /** A new run: drop what is held; `stream` picks this worker's own sequence of the seed. */
  reset(seed: number, stream: number, maxUs: number): void {
    this.clear();
    this.rng = xoroshiro128plus(seed);
    for (let i = 0; i < stream; i++) this.rng.jump();
    this.maxUs = maxUs;
    this.lastDue.clear();
  }

  push(channel: string, send: () => void): void {
    if (!this.maxUs) return send();
    let due = nowUs() + uniformInt(this.rng, 0, this.maxUs);
    due = Math.max(due, this.lastDue.get(channel) ?? 0);
    this.lastDue.set(channel, due);
    // Insert after every message due no later: equal dues keep their send order.
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1]!.due > due) i--;
    this.queue.splice(i, 0, { due, send });
    this.arm();
  }

  clear(): void {
    clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = this.immediate = undefined;
    this.queue = [];
  }

  // Timers have millisecond resolution: the last millisecond is waited out by polling with
  // setImmediate, which keeps serving incoming messages meanwhile.
  private arm(): void {
    if (this.timer || this.immediate || !this.queue.length) return;
    const wait = this.queue[0]!.due - nowUs();
    if (wait >= 1000) this.timer = setTimeout(() => this.flush(), Math.floor(wait / 1000));
    else this.immediate = setImmediate(() => this.flush());
  }

  private flush(): void {
    this.timer = this.immediate = undefined;
    const now = nowUs();
    while (this.queue.length && this.queue[0]!.due <= now) this.queue.shift()!.send();
    this.arm();
  }
}
