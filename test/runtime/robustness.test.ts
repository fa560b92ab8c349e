// Nothing hangs: a machine's exception in a worker, a worker that exits, one that dies of an
// uncaught error and one that spins forever each fail the run with the actor, the event and a
// stack, in controlled and in free-running mode; Ctrl-C (an aborted signal) ends every thread;
// and after each, no thread or port is left in this process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorCrash } from '../../src/runtime/host.ts';
import { runSchedule } from '../../src/runtime/run.ts';
import type { ActorSpec } from '../../src/runtime/types.ts';
import { WorkerGone } from '../../src/runtime/threads/endpoint.ts';
import { runFree } from '../../src/runtime/threads/free.ts';
import { WorkerPool, type PoolOptions } from '../../src/runtime/threads/pool.ts';
import type { TestFault } from '../../src/runtime/threads/protocol.ts';
import { workersTransport } from '../../src/runtime/threads/controlled.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { handles, SLOW } from './helpers.ts';

const before = handles();

/** A world of two kinds (two threads start fast): a task touches its memory and exits, and its
 * mm runs exit_mmap on the last mmput. */
const KINDS = ['process', 'mm'];
const world = (steps: unknown[]): ActorSpec[] => [
  { id: 'process#1', kind: 'process', input: { id: 'process#1', mm: 'mm#1', steps } },
  { id: 'mm#1', kind: 'mm', input: { id: 'mm#1', owner: 'process#1', svm: 'svm' } },
];
const specs = world([{ op: 'touch', addr: 16, write: true }, { op: 'exit' }]);
/** The second step is one no syscall exists for: the process machine throws once the fault returns. */
const crashing = world([{ op: 'touch', addr: 16, write: true }, { op: 'bogus' }]);

const caught = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the run to fail');
};

const controlled = async (opts: PoolOptions) => {
  const transport = await workersTransport({ kinds: KINDS, ...opts });
  try {
    return await caught(runSchedule({ specs, transport, strategy: fifo() }));
  } finally {
    await transport.close();
  }
};
const free = async (opts: PoolOptions) => {
  const pool = await WorkerPool.open({ kinds: KINDS, ...opts });
  try {
    return await caught(runFree(pool, { specs, watchdogMs: opts.watchdogMs }));
  } finally {
    await pool.close();
  }
};

const expectCrash = (e: Error, actor: string, event: string, stack: RegExp) => {
  expect(e).toBeInstanceOf(ActorCrash);
  expect((e as ActorCrash).actor).toBe(actor);
  expect((e as ActorCrash).event).toBe(event);
  expect((e as ActorCrash).causeStack).toMatch(stack);
  expect(e.message).toContain(`actor ${actor} crashed on ${event}`);
};

describe('a machine that throws in a worker', () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = await WorkerPool.open({ kinds: KINDS });
  }, SLOW);
  afterAll(() => pool?.close());

  it('fails a controlled run with the actor, the event and the machine stack; the threads stay usable', async () => {
    const transport = { name: 'workers', start: pool.start.bind(pool), deliver: pool.deliver.bind(pool), views: pool.views.bind(pool), close: async () => {} };
    const e = await caught(runSchedule({ specs: crashing, transport, strategy: fifo() }));
    expectCrash(e, 'process#1', 'ret.handle_mm_fault', /no syscall for step bogus\n\s+at /);
    expect(e.stack).toContain('in worker process');
    expect((await runSchedule({ specs, transport, strategy: fifo() })).quiescent).toBe(true);
  }, SLOW);

  it('fails a free-running run the same way', async () => {
    const e = await caught(runFree(pool, { specs: crashing }));
    expectCrash(e, 'process#1', 'ret.handle_mm_fault', /no syscall for step bogus\n\s+at /);
    expect((await runFree(pool, { specs })).quiescent).toBe(true);
  }, SLOW);
});

describe.concurrent('a worker that dies or goes silent', () => {
  const mmput = (kind: TestFault['kind']): TestFault => ({ actor: 'mm#1', event: 'mmput', kind });

  it('exits: the controlled run fails naming the delivery it was given', async () => {
    expectCrash(await controlled({ fault: mmput('exit') }), 'mm#1', 'mmput', /worker mm exited with code 3/);
  }, SLOW);

  it('exits: the free run fails naming the message that was on its way there', async () => {
    const e = await free({ fault: mmput('exit') });
    expect(e).toBeInstanceOf(ActorCrash);
    expect((e as ActorCrash).actor).toBe('mm#1');
    expect((e as ActorCrash).causeStack).toMatch(/worker mm exited with code 3/);
  }, SLOW);

  it('dies of an uncaught exception outside any machine: the run fails with its stack', async () => {
    const e = await controlled({ fault: mmput('uncaught') });
    expect(e).toBeInstanceOf(ActorCrash);
    expect(specs.find((s) => s.id === (e as ActorCrash).actor)?.kind).toBe('mm');
    expect((e as ActorCrash).causeStack).toMatch(/worker mm died of an uncaught Error: injected fault in worker mm on mm#1 ← mmput\nError: injected fault/);
  }, SLOW);

  it('spins forever: the watchdog fails the controlled run after its bound and stops the thread', async () => {
    expectCrash(await controlled({ fault: mmput('hang'), watchdogMs: 2000 }), 'mm#1', 'mmput', /worker mm silent: no answer within 2000 ms \(watchdog\)/);
  }, SLOW);

  it('spins forever: the free run fails after the bound, naming what is in flight', async () => {
    const e = await free({ fault: mmput('hang'), watchdogMs: 2000 });
    expect(e).toBeInstanceOf(ActorCrash);
    expect((e as ActorCrash).causeStack).toMatch(/no delivery for 2000 ms with \d+ messages in flight \(watchdog\): .*mm#1 ← mmput \(worker mm\)/);
  }, SLOW);
});

describe('Ctrl-C (an aborted signal)', () => {
  it('while the workers start: open() rejects', async () => {
    const abort = new AbortController();
    const opening = WorkerPool.open({ kinds: KINDS, signal: abort.signal });
    abort.abort();
    expect(await caught(opening)).toBeInstanceOf(WorkerGone);
  }, SLOW);

  it('mid-run: the free run rejects as interrupted', async () => {
    const abort = new AbortController();
    const pool = await WorkerPool.open({ kinds: KINDS, signal: abort.signal });
    const e = await caught(runFree(pool, { specs, jitterUs: 5000, onStep: (ev) => ev.step === 3 && abort.abort() }));
    expect(e).toBeInstanceOf(WorkerGone);
    expect(e.message).toBe('interrupted');
    await pool.close(); // the same close the abort began: resolves once every thread has ended
  }, SLOW);
});

describe('afterwards', () => {
  it('no worker thread or message port is left', () => {
    expect(handles(), process.getActiveResourcesInfo().join(' ')).toBe(before);
  });
});
