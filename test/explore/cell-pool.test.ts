// history --jobs (src/explore/cell-pool.ts): the matrix judged on a pool of threads is the matrix
// judged in this thread but for the seconds, the responsible-hunk searches (pre-fix -> fixed adds
// three hunks) included; a machine's crash in a thread fails the matrix with its actor, event and
// stack, and no thread or port is left behind, whether the matrix ended or failed.
import { describe, expect, it } from 'vitest';
import { IN_THREAD, matrix, type CellOptions, type Matrix } from '../../src/explore/line.ts';
import { withCellPool } from '../../src/explore/cell-pool.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/schema.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { handles } from '../runtime/helpers.ts';

const opts: CellOptions = { budget: 20_000, fallback: 20, shrink: false };
const scenarios = ['dma-noncanonical', 'unbind-alive'].map(loadScenario);
const variants = ['pre-fix', 'fixed', 'v4.14', 'v5.7'].map(variantByName);
/** The matrix with every seconds field zeroed: what --jobs must not change. */
const timeless = (m: Matrix) => JSON.parse(JSON.stringify(m, (k, v: unknown) => (k === 'seconds' ? 0 : v))) as Matrix;

describe('the matrix on a pool of threads', { timeout: 120_000 }, () => {
  it('is the matrix judged in this thread, cell for cell and change for change', async () => {
    const before = handles();
    const one = await matrix(scenarios, variants, opts, undefined, IN_THREAD);
    const order: string[] = [];
    const two = await withCellPool(2, (by) => matrix(scenarios, variants, opts, (c) => order.push(`${c.scenario}@${c.variant}`), by));
    expect(timeless(two)).toEqual(timeless(one));
    // pre-fix -> fixed adds three hunks: the responsible one was found by cells judged on the pool.
    expect(one.rows[0]!.changes[0]).toMatchObject({ from: 'pre-fix', to: 'fixed', responsible: { id: 'mmCountOnly' } });
    expect(order.sort()).toEqual(scenarios.flatMap((s) => variants.map((v) => `${s.name}@${v.name}`)).sort());
    expect(handles()).toBe(before);
  });

  it('a machine that throws in a thread fails the matrix with its actor, event and stack; the threads end', async () => {
    const before = handles();
    // A step no syscall exists for (a scenario file is refused it; the pool is handed it as is).
    const bogus: Scenario = structuredClone(scenarios[0]!);
    (bogus.processes[0]!.steps as unknown[])[3] = { op: 'bogus' };
    const e = await withCellPool(2, (by) => matrix([scenarios[1]!, bogus], variants, opts, undefined, by)).then(
      () => undefined,
      (x: unknown) => x as Error,
    );
    expect(e?.message).toBe('actor process#1 crashed on ret.ioctl_bind: Error: no syscall for step bogus');
    expect(e?.stack).toMatch(/\n\s+at .*src\/runtime\/host\.ts:\d+/);
    expect(handles()).toBe(before);
  });
});
