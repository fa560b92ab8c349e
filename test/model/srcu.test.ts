// Issue 25 item 4, SRCU as SRCU (mm/mmu_notifier.c, v4.4): one srcu_struct for every mm;
// notifier callbacks of different threads run side by side; mmu_notifier_unregister takes no
// mmap_sem; its synchronize_srcu waits for a ->release that exit_mmap runs on another thread.
// Each property is an interleaving some schedule shows: the first random seed that shows it.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { simulate, type SimResult } from '../../src/simulate.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { random } from '../../src/scheduler/random.ts';
import type { TraceEvent } from '../../src/runtime/types.ts';
import { run } from './helpers.ts';

const SEEDS = 300;
const sim = (world: unknown, seed: number) =>
  simulate({ scenario: parseScenario(world, 'w'), variant: variantByName('fixed'), strategy: random(), seed, transport: inlineTransport() });
async function firstSeed(go: (seed: number) => Promise<SimResult>, shows: (t: TraceEvent[]) => boolean) {
  for (let seed = 0; seed < SEEDS; seed++) {
    const r = await go(seed);
    if (shows(r.trace)) return { seed, r };
  }
  return null;
}

/** A notifier callback's time inside the driver: from its delivery to the svm to the svm step
 * that sent its return (the `cause` of the `ret.` its caller gets). */
function callbacks(t: TraceEvent[]): { ctx: unknown; fn: string; begin: number; end: number }[] {
  return t
    .filter((e) => e.to === 'svm' && (e.event === 'intel_mm_release' || e.event === 'intel_invalidate_range'))
    .map((e) => {
      const back = t.find((x) => x.step > e.step && x.from === 'svm' && x.to === e.from && x.event === `ret.${e.event}` && x.args.tag === e.args.tag);
      return { ctx: e.args.ctx, fn: e.event, begin: e.step, end: back?.cause ?? Infinity };
    });
}
/** Two callbacks of two threads inside the driver at once: while one is between its delivery and
 * its return, the other's flush (a qi_submit_sync with its thread) reaches the IOMMU. */
const overlap = (t: TraceEvent[]) => {
  const cbs = callbacks(t);
  const flushes = t.filter((e) => e.to === 'iommu' && e.event === 'qi_submit_sync' && e.args.tag === 'notifier');
  return cbs.some((a) => flushes.some((f) => f.args.ctx !== a.ctx && a.begin < f.step && f.step < a.end));
};

// A maps an anonymous buffer and binds; its thread T (CLONE_VM | CLONE_FILES) closes the device,
// the last reference (no VMA holds the file), so T's release unbinds and unregisters while A
// munmap()s under mmap_sem.
const UNREGISTER_DURING_MUNMAP = {"name": "unregister-during-munmap", "description": "A maps an anonymous buffer and binds; its thread T closes the device (the last reference: release unbinds, mmu_notifier_unregister) while A munmap()s under mmap_sem.", "devices": ["accel0"], "processes": [{"name": "A", "steps": [{"op": "open", "file": "dev", "device": "accel0"}, {"op": "mmap", "vma": "buf", "addr": 16, "pages": 1}, {"op": "bind", "file": "dev"}, {"op": "clone", "task": "T"}, {"op": "munmap", "vma": "buf"}, {"op": "exit"}]}, {"name": "T", "steps": [{"op": "close", "file": "dev"}, {"op": "exit"}]}]};

// A binds and forks C (dup_fd: C holds the driver file), closes its fd and exits: exit_mmap's
// ->release runs on A while C closes the file, the last reference, whose release unbinds and
// unregisters the notifier on C.
const RELEASE_IN_CHILD_DURING_EXIT = {"name": "release-in-child-during-exit", "description": "A binds and forks C (dup_fd: C holds the driver file), then exits: exit_mmap's intel_mm_release runs on A while C closes the file, whose release unbinds and unregisters on C.", "devices": ["accel0"], "processes": [{"name": "A", "steps": [{"op": "open", "file": "dev", "device": "accel0"}, {"op": "bind", "file": "dev"}, {"op": "fork", "task": "C"}, {"op": "close", "file": "dev"}, {"op": "exit"}]}, {"name": "C", "steps": [{"op": "close", "file": "dev"}, {"op": "exit"}]}]};

describe('SRCU as SRCU: callbacks of different mms run side by side', () => {
  it('release-during-munmap: A\'s intel_mm_release (its unregister) and B\'s intel_invalidate_range (its munmap) are inside the driver at once', async () => {
    const hit = await firstSeed((seed) => run('release-during-munmap', 'fixed', seed), overlap);
    expect(hit).not.toBeNull();
    const mms = new Set(hit!.r.trace.filter((e) => e.to === 'svm' && /^intel_(mm_release|invalidate_range)$/.test(e.event)).map((e) => e.from));
    expect([...mms].sort()).toEqual(['mm#1', 'mm#2']);
    expect(hit!.r.violations).toEqual([]);
  });
});

describe('mmu_notifier_unregister takes no mmap_sem', () => {
  it('T\'s unregister runs, and returns, while A\'s do_munmap holds mmap_sem for write', async () => {
    const busy = (e: TraceEvent) => e.to === 'mm#1' && /\bop\.do_munmap\./.test(e.state);
    const hit = await firstSeed(
      (seed) => sim(UNREGISTER_DURING_MUNMAP, seed),
      (t) => t.some((e) => busy(e) && e.event === 'mmu_notifier_unregister') && t.some((e) => busy(e) && e.event === 'ret.synchronize_srcu' && e.args.tag === 'unregister'),
    );
    expect(hit).not.toBeNull();
    const unreg = hit!.r.trace.find((e) => e.event === 'mmu_notifier_unregister')!;
    expect(unreg.args.ctx).toBe('process#2');
    expect(unreg.state).toMatch(/^lifecycle\.live\|op\.do_munmap\.[a-z_]+\|unregister\.(srcu_read_lock|synchronize_srcu)$/);
    expect(hit!.r.violations).toEqual([]);
  });
});

describe('synchronize_srcu in unregister waits for exit_mmap\'s ->release on another thread', () => {
  const readerOf = (t: TraceEvent[], tag: string, event: string) => t.find((e) => e.to === 'srcu' && e.event === event && e.args.tag === tag);
  it('C\'s unregister calls synchronize_srcu while A\'s exit_mmap is inside srcu_read_lock; it returns only at A\'s srcu_read_unlock', async () => {
    const hit = await firstSeed(
      (seed) => sim(RELEASE_IN_CHILD_DURING_EXIT, seed),
      (t) => {
        const [lock, unlock, sync] = [readerOf(t, 'exit', 'srcu_read_lock'), readerOf(t, 'exit', 'srcu_read_unlock'), readerOf(t, 'unregister', 'synchronize_srcu')];
        return !!lock && !!unlock && !!sync && lock.step < sync.step && sync.step < unlock.step;
      },
    );
    expect(hit).not.toBeNull();
    const t = hit!.r.trace;
    const unlock = readerOf(t, 'exit', 'srcu_read_unlock')!;
    const sync = readerOf(t, 'unregister', 'synchronize_srcu')!;
    expect([readerOf(t, 'exit', 'srcu_read_lock')!.args.ctx, sync.args.ctx]).toEqual(['process#1', 'process#2']);
    expect(sync.state).toBe('synchronize_srcu');
    const back = t.find((e) => e.event === 'ret.synchronize_srcu' && e.args.tag === 'unregister')!;
    expect(back.cause).toBe(unlock.step);
    // the unregister's mmdrop comes after exit_mmap's ->release returned
    const released = t.find((e) => e.event === 'ret.intel_mm_release' && e.args.tag === 'exit')!;
    expect(back.step).toBeGreaterThan(released.step);
    expect(hit!.r.violations).toEqual([]);
  });
});
