// machines/prq.ts: the page request queue's registers as the hardware keeps them.
import { describe, expect, it } from 'vitest';
import { emptyPrq, prqAt, prqFull, prqRebase, prqReceive, prqWriteHead, type Prq } from '../../machines/prq.ts';

const req = (addr: number, extra = {}) => ({ addr, ...extra });
const fill = (q: Prq, addrs: number[]) => addrs.reduce((x, a) => prqReceive(x, req(a)).q, q);

describe('the page request queue (PQH, PQT, PPR, PRO)', () => {
  it('holds size - 1 descriptors: full when PQT + 1 == PQH, modulo the size', () => {
    const q = fill(emptyPrq(4), [1, 2, 3]);
    expect(q).toMatchObject({ pqh: 0, pqt: 3, ppr: true, pro: false });
    expect(prqFull(q)).toBe(true);
    expect(prqFull(fill(emptyPrq(4), [1, 2]))).toBe(false);
  });

  it('pr_irq only on PPR 0 -> 1; after software clears PPR the next request raises it again', () => {
    const a = prqReceive(emptyPrq(256), req(1));
    expect(a.irq).toBe(true);
    const b = prqReceive(a.q, req(2));
    expect(b.irq).toBe(false);
    expect(prqReceive({ ...b.q, ppr: false }, req(3)).irq).toBe(true);
  });

  it('the ring wraps: descriptors are read at their index across the end, PQH frees them', () => {
    let q = prqWriteHead(fill(emptyPrq(4), [1, 2, 3]), 3);
    expect(q).toMatchObject({ pqh: 3, pqt: 3, live: [] });
    q = fill(q, [4, 5, 6]);
    expect(q.pqt).toBe(2);
    expect([3, 0, 1].map((h) => prqAt(q, h)?.addr)).toEqual([4, 5, 6]);
    expect(prqAt(q, 2)).toBeNull();
    q = prqWriteHead(q, 1);
    expect(q.live.map((d) => d.addr)).toEqual([6]);
    expect(prqAt(q, 1)?.addr).toBe(6);
  });

  it('overflow: dropped, PRO set and sticky; answered by the hardware only if it needs an answer', () => {
    const full = fill(emptyPrq(2), [1]);
    const r = prqReceive(full, req(2));
    expect(r).toMatchObject({ dropped: true, autoRespond: true, irq: false, q: { pro: true, pqt: 1 } });
    expect(r.q.live).toHaveLength(1);
    // Room again (PQH written), but PRO stays until software clears it: still dropped.
    const drained = prqWriteHead(r.q, 1);
    expect(prqFull(drained)).toBe(false);
    expect(prqReceive(drained, req(3))).toMatchObject({ dropped: true, autoRespond: true });
    expect(prqReceive(drained, req(3, { lpig: false }))).toMatchObject({ dropped: true, autoRespond: false });
    expect(prqReceive(drained, req(3, { lpig: false, srr: true }))).toMatchObject({ dropped: true, autoRespond: true });
    // PRO cleared (and PPR, which the thread clears): queued again, with an interrupt.
    expect(prqReceive({ ...drained, pro: false }, req(3))).toMatchObject({ dropped: false, irq: false, q: { pqt: 0 } });
    expect(prqReceive({ ...drained, pro: false, ppr: false }, req(3))).toMatchObject({ dropped: false, irq: true });
  });

  it('PQH\'s frame: the ring turned so PQH is slot 0 behaves as the ring it came from', () => {
    // Two descriptors left at 3 and 0 of a ring of 4 that PQH reached at 3.
    const q = fill(prqWriteHead(fill(emptyPrq(4), [1, 2, 3]), 3), [4, 5]);
    const r = prqRebase(q);
    expect(r).toMatchObject({ pqh: 0, pqt: 2, live: q.live });
    expect([0, 1].map((h) => prqAt(r, h)?.addr)).toEqual([3, 0].map((h) => prqAt(q, h)?.addr));
    expect(prqFull(r)).toBe(prqFull(q));
    // One more fills both; the next overflows both.
    const [q1, r1] = [prqReceive(q, req(6)).q, prqReceive(r, req(6)).q];
    expect([prqFull(q1), prqFull(r1)]).toEqual([true, true]);
    expect([prqReceive(q1, req(7)).dropped, prqReceive(r1, req(7)).dropped]).toEqual([true, true]);
    // Drained at the same place: the same state in PQH's frame.
    expect(prqRebase(prqWriteHead(q1, q1.pqt))).toEqual(prqRebase(prqWriteHead(r1, r1.pqt)));
    expect(prqRebase(prqWriteHead(q1, q1.pqt))).toEqual({ ...emptyPrq(4), ppr: true });
  });
});
