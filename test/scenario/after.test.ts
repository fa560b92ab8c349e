// F5 (issue 29): a cycle of `after` steps, direct or through a process's own order, is refused as
// a scenario error naming the cycle (before, every schedule was reported as a kernel hang).
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { svmsim } from '../cli/cli.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const steps = () => [
  { op: 'open', file: 'dev', device: 'accel0' } as Record<string, unknown>,
  { op: 'mmap', vma: 'buf', file: 'dev', addr: 16, pages: 1 },
  { op: 'bind', file: 'dev' },
  { op: 'dma', file: 'dev', addr: 16, write: true, wait: true },
  { op: 'exit' },
];
const world = (a: Record<number, string>, b: Record<number, string>, c?: Record<number, string>) => {
  const proc = (name: string, after: Record<number, string>) => ({ name, steps: steps().map((st, i) => (after[i] ? { ...st, after: after[i] } : st)) });
  return { name: 'cyc', devices: ['accel0'], processes: [proc('A', a), proc('B', b), ...(c ? [proc('C', c)] : [])] };
};

describe('after: cycles are scenario errors', () => {
  it('direct: A.exit after B.exit and B.exit after A.exit', () => {
    expect(() => parseScenario(world({ 4: 'B.exit' }, { 4: 'A.exit' }), 'c.json')).toThrow(
      /^c\.json: processes\[0\]\.steps\[4\]\.after: a cycle of after steps: A\.4 \(exit\) waits for B\.4 \(exit\); B\.4 \(exit\) waits for A\.4 \(exit\); none of them can ever run$/,
    );
  });
  it('indirect, through a process\'s own order: A.bind after B.2, B.2 after A.exit', () => {
    expect(() => parseScenario(world({ 2: 'B.2' }, { 2: 'A.exit' }), 'c.json')).toThrow(/a cycle of after steps: A\.2 \(bind\) waits for B\.2 \(bind\); B\.2 \(bind\) waits for A\.4 \(exit\), which comes after A\.2 \(bind\)/);
  });
  it('through an earlier after step of the waiting process, and across three processes', () => {
    // B.3 waits for A.4; A.1 waits for C.4; C.0 waits for B.4, which comes after B.3.
    expect(() => parseScenario(world({ 1: 'C.exit' }, { 3: 'A.exit' }, { 0: 'B.exit' }), 'c.json')).toThrow(/a cycle of after steps: .*none of them can ever run/);
    // A.4 waits for B.1; B.0 waits for A.3: A.3 comes before A.4, so no cycle.
    expect(() => parseScenario(world({ 4: 'B.1' }, { 0: 'A.3' }), 'c.json')).not.toThrow();
  });
  it('chains without a cycle pass, and the built-in ones still load', () => {
    expect(() => parseScenario(world({ 4: 'B.exit' }, { 2: 'C.exit' }, { 0: 'A.1' }), 'c.json')).not.toThrow();
    for (const n of ['bind-after-exit', 'fault-timeout-reuse']) expect(() => loadScenario(n)).not.toThrow();
  });
  it('many after steps are checked at once (each looks up its target in its process)', () => {
    const n = 20_000;
    const long = { name: 'L', steps: [{ op: 'open', file: 'f', device: 'accel0' }, ...Array.from({ length: n }, () => ({ op: 'touch', addr: 1 })), { op: 'exit' }] };
    const waiters = Array.from({ length: 200 }, (_, i) => ({ name: `W${i}`, steps: [{ op: 'open', file: 'f', device: 'accel0', after: `L.${n}` }, { op: 'exit' }] }));
    expect(() => parseScenario({ name: 'many', devices: ['accel0'], processes: [long, ...waiters] }, 'm.json')).not.toThrow();
  });
  it('the CLI refuses it in one line with exit 2, before any run', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'svmsim-after-')), 'cyc.json');
    writeFileSync(f, JSON.stringify(world({ 4: 'B.exit' }, { 4: 'A.exit' })));
    const r = svmsim(['run', '--scenario', f, '--transport', 'inline']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/a cycle of after steps/);
  });
});

// A send_fd's receiver waits for the send at its first step naming the fd (recvmsg blocks until the
// message is queued): that wait is part of the cycle check, so a cycle through it is refused too
// (before, every schedule of such a world ended `stuck`).
describe('after: a receiver\'s wait for a send_fd is part of the cycle check', () => {
  const open = (file: string) => ({ op: 'open', file, device: 'accel0' });
  const mmapOf = (file: string) => ({ op: 'mmap', vma: `v-${file}`, file, addr: 16, pages: 1 });
  const two = (a: unknown[], b: unknown[]) => ({ name: 'cyc', devices: ['accel0'], processes: [{ name: 'A', steps: a }, { name: 'B', steps: b }] });
  // A's send comes after its bind, which waits for B's exit; B's exit comes after its mmap of the
  // fd, which waits for A's send.
  const THROUGH_SEND = two([open('dev'), { op: 'bind', file: 'dev', after: 'B.exit' }, { op: 'send_fd', file: 'dev', to: 'B', as: 'p' }, { op: 'exit' }], [mmapOf('p'), { op: 'exit' }]);
  // Each mmaps the fd the other sends, before sending its own: no after step at all.
  const SENDS_ONLY = two(
    [open('dev'), mmapOf('q'), { op: 'send_fd', file: 'dev', to: 'B', as: 'p' }, { op: 'exit' }],
    [open('d2'), mmapOf('p'), { op: 'send_fd', file: 'd2', to: 'A', as: 'q' }, { op: 'exit' }],
  );

  it('an after and a send: refused at the after step, the cycle naming the send', () => {
    expect(() => parseScenario(THROUGH_SEND, 'c.json')).toThrow(
      /^c\.json: processes\[0\]\.steps\[1\]\.after: a cycle of after steps: A\.1 \(bind\) waits for B\.1 \(exit\), which comes after B\.0 \(mmap\); B\.0 \(mmap\) waits for A\.2 \(send_fd\) \(the fd it passes\), which comes after A\.1 \(bind\); none of them can ever run$/,
    );
  });

  it('two sends and no after: refused at the receiver\'s first use of the fd (its `file`)', () => {
    expect(() => parseScenario(SENDS_ONLY, 'c.json')).toThrow(/^c\.json: processes\[0\]\.steps\[1\]\.file: a cycle of after steps: A\.1 \(mmap\) waits for B\.2 \(send_fd\) \(the fd it passes\), .*none of them can ever run$/);
  });

  it('only the first use waits: a later step of the receiver, or an after on the sender past its send, is no cycle', () => {
    // B's exit waits for... nothing; A's exit waits for B's mmap, which waits for A's send (before A's exit).
    expect(() => parseScenario(two([open('dev'), { op: 'send_fd', file: 'dev', to: 'B', as: 'p' }, { op: 'exit', after: 'B.0' }], [mmapOf('p'), { op: 'exit' }]), 'c.json')).not.toThrow();
    // A's send waits for B's first step, which does not name the fd: no wait of B's is on the path.
    expect(() => parseScenario(two([open('dev'), { op: 'send_fd', file: 'dev', to: 'B', as: 'p', after: 'B.0' }, { op: 'exit' }], [{ op: 'touch', addr: 1 }, mmapOf('p'), { op: 'exit' }]), 'c.json')).not.toThrow();
    // ... but waiting for B's use of the fd is.
    expect(() => parseScenario(two([open('dev'), { op: 'send_fd', file: 'dev', to: 'B', as: 'p', after: 'B.1' }, { op: 'exit' }], [{ op: 'touch', addr: 1 }, mmapOf('p'), { op: 'exit' }]), 'c.json')).toThrow(/a cycle of after steps/);
    for (const n of ['passed-fd-release', 'passed-fd-unreceived']) expect(() => loadScenario(n)).not.toThrow();
  });

  it('the CLI refuses it in one line with exit 2 instead of running into `stuck`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-after-send-'));
    for (const [name, w] of [['through-send', THROUGH_SEND], ['sends-only', SENDS_ONLY]] as const) {
      const f = join(dir, `${name}.json`);
      writeFileSync(f, JSON.stringify(w));
      const r = svmsim(['run', '--scenario', f, '--transport', 'inline']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/processes\[0\]\.steps\[1\]\.(after|file): a cycle of after steps: .*\(the fd it passes\)/);
    }
  });
});
