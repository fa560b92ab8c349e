// The global mmu-notifier SRCU (mm/mmu_notifier.c, v4.4): readers by thread, and synchronize_srcu
// waiting for exactly the readers inside when it was called.
import { describe, expect, it } from 'vitest';
import { srcuMachine } from '../../machines/srcu.ts';
import { drive, sends, sent } from './harness.ts';

const srcu = () => drive(srcuMachine, { id: 'srcu' });
type D = ReturnType<typeof srcu>;
const lock = (s: D, ctx: string, from = 'mm#1', tag = 'exit') => s.send({ type: 'srcu_read_lock', ctx, tag }, from);
const unlock = (s: D, ctx: string, from = 'mm#1', tag = 'exit') => s.send({ type: 'srcu_read_unlock', ctx, tag }, from);
const sync = (s: D, ctx: string, from = 'mm#1', tag = 'unregister') => s.send({ type: 'synchronize_srcu', ctx, tag }, from);

describe('srcu_struct (machines/srcu.ts)', () => {
  it('srcu_read_lock and srcu_read_unlock return at once, with the caller\'s tag', () => {
    const s = srcu();
    expect(s.state).toBe('idle');
    expect(sent(lock(s, 'process#1'), 'ret.srcu_read_lock')).toMatchObject({ tag: 'exit' });
    expect(s.state).toBe('srcu_read_lock');
    expect(s.context.readers).toEqual(['process#1']);
    expect(sent(unlock(s, 'process#1'), 'ret.srcu_read_unlock')).toMatchObject({ tag: 'exit' });
    expect(s.state).toBe('idle');
  });

  it('synchronize_srcu with no reader inside returns at once', () => {
    const s = srcu();
    expect(sends(sync(s, 'process#2'))).toEqual(['mm#1:ret.synchronize_srcu']);
    expect(s.context.waiters).toEqual([]);
  });

  it('synchronize_srcu waits for a reader in flight, of any mm, and returns when it leaves', () => {
    const s = srcu();
    lock(s, 'process#1', 'mm#2', 'munmap');
    expect(sends(sync(s, 'process#2', 'mm#1'))).toEqual([]);
    expect(s.state).toBe('synchronize_srcu');
    expect(sends(unlock(s, 'process#1', 'mm#2', 'munmap'))).toEqual(['mm#1:ret.synchronize_srcu', 'mm#2:ret.srcu_read_unlock']);
    expect(s.state).toBe('idle');
  });

  it('a reader that enters after the call does not hold synchronize_srcu up', () => {
    const s = srcu();
    lock(s, 'process#1');
    sync(s, 'process#2');
    lock(s, 'kworker', 'mm#2', 'munmap');
    expect(sent(unlock(s, 'process#1'), 'ret.synchronize_srcu')).toMatchObject({ tag: 'unregister' });
    expect(s.context.readers).toEqual(['kworker']);
    expect(s.state).toBe('srcu_read_lock');
  });

  it('two synchronize_srcu wait at once, each for the readers inside at its own call', () => {
    const s = srcu();
    lock(s, 'process#1');
    sync(s, 'process#3', 'mm#1', 'unregister');
    lock(s, 'process#2', 'mm#2', 'munmap');
    sync(s, 'process#4', 'mm#2', 'exit');
    expect(s.context.waiters.map((w: { waits: string[] }) => w.waits)).toEqual([['process#1'], ['process#1', 'process#2']]);
    // process#1 leaves: the first grace period is over, the second still waits for process#2
    expect(sends(unlock(s, 'process#1'))).toEqual(['mm#1:ret.synchronize_srcu', 'mm#1:ret.srcu_read_unlock']);
    expect(s.state).toBe('synchronize_srcu');
    const out = unlock(s, 'process#2', 'mm#2', 'munmap');
    expect(sent(out, 'ret.synchronize_srcu')).toMatchObject({ tag: 'exit' });
    expect(s.state).toBe('idle');
  });

  it('readers are a multiset: a thread locked twice holds a grace period until it has unlocked twice', () => {
    const s = srcu();
    lock(s, 'process#1');
    lock(s, 'process#1');
    sync(s, 'process#2');
    expect(sent(unlock(s, 'process#1'), 'ret.synchronize_srcu')).toBeUndefined();
    expect(sent(unlock(s, 'process#1'), 'ret.synchronize_srcu')).toBeDefined();
  });
});
