import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinNames, loadScenario, parseScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { memoTransport } from '../../src/engine/memo.ts';
import { moreStepsHint } from '../../src/scenario/max-steps.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { simulate } from '../../src/simulate.ts';

const base = () => ({
  name: 'x',
  devices: ['d0'],
  processes: [{ name: 'A', steps: [{ op: 'open', file: 'f', device: 'd0' }, { op: 'bind', file: 'f' }, { op: 'exit' }] }],
});

describe('scenario validation: the error names the bad field', () => {
  const cases: [string, (s: ReturnType<typeof base>) => unknown, RegExp][] = [
    ['unknown op', (s) => ((s.processes[0]!.steps[1] as { op: string }).op = 'mmapp'), /^w: processes\[0\]\.steps\[1\]\.op: /],
    ['missing devices', (s) => delete (s as Partial<typeof s>).devices, /^w: devices: /],
    ['extra field', (s) => ((s.processes[0] as Record<string, unknown>).nice = 1), /^w: processes\[0\]: .*nice/],
    ['negative addr', (s) => s.processes[0]!.steps.splice(1, 0, { op: 'mmap', vma: 'v', addr: -1, pages: 1 } as never), /^w: processes\[0\]\.steps\[1\]\.addr: /],
    ['unknown device', (s) => ((s.processes[0]!.steps[0] as { device: string }).device = 'd9'), /^w: processes\[0\]\.steps\[0\]\.device: unknown device 'd9' \(valid: d0\)$/],
    ['unopened file', (s) => ((s.processes[0]!.steps[1] as { file: string }).file = 'g'), /^w: processes\[0\]\.steps\[1\]\.file: unknown file 'g'/],
    ['step after exit', (s) => s.processes[0]!.steps.push({ op: 'exit' }), /^w: processes\[0\]\.steps\[3\]: a step after exit$/],
    ['bind twice', (s) => s.processes[0]!.steps.splice(2, 0, { op: 'bind', file: 'f' }), /^w: processes\[0\]\.steps\[2\]\.file: file 'f' is bound already$/],
    // An ioctl on a closed fd is EBADF in the kernel: the model would run the driver's unbind on
    // the freed file (a use-after-free of the model's, not the kernel's), so the world is refused.
    ['unbind after close', (s) => s.processes[0]!.steps.splice(2, 0, { op: 'close', file: 'f' }, { op: 'unbind', file: 'f' }), /^w: processes\[0\]\.steps\[3\]\.file: file 'f' is closed$/],
  ];
  it.each(cases)('%s', (_what, mutate, message) => {
    const s = base();
    mutate(s);
    expect(() => parseScenario(s, 'w')).toThrow(message);
  });

  it('a scenario file that starts with a UTF-8 byte-order mark reads as without it (issue 29 F18)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'svmsim-bom-')), 'bom.json');
    writeFileSync(file, `\ufeff${JSON.stringify(base())}`);
    expect(loadScenario(file)).toEqual(parseScenario(base(), 'w'));
  });

  it('a valid scenario passes and defaults apply', () => {
    expect(parseScenario(base(), 'w').description).toBe('');
  });

  it('every built-in scenario loads and builds a world with stable ids', () => {
    for (const name of builtinNames()) {
      const w = buildWorld(loadScenario(name), variantByName('fixed'));
      expect(w.specs.slice(0, 3).map((s) => s.id)).toEqual(['svm', 'iommu', 'prq']);
      expect(new Set(w.specs.map((s) => s.id)).size).toBe(w.specs.length);
    }
    expect(builtinNames()).toEqual(expect.arrayContaining(['exit-with-mmap', 'graphics', 'close-then-exit', 'munmap-close-alive', 'fault-during-exit', 'two-processes']));
  });

  it('unknown names list the valid ones', () => {
    expect(() => loadScenario('exit')).toThrow(/^unknown scenario 'exit' \(valid: bind-after-exit, bind-alive, close-then-exit, dma-after-munmap, /);
    expect(() => variantByName('fixd')).toThrow("unknown kernel variant 'fixd' (valid: pre-fix, fixed, v4.9-no-pasid, v4.14-9d8c3af31607, v4.19-4fa064b26c2e, v5.7-902baf61adf6, v5.12-3aa7c62cb7d7, fixed-no-release-flush, fixed-no-fault-pin, v5.8-66ac4db36f4c; or a line variant's commit)");
  });
});

// The world's name table holds the user's names: any name the scenario rule accepts, `__proto__`
// included, maps to its actor (issue 29 F9: a device named `__proto__` was looked up as
// Object.prototype, and the run crashed with "no actor '[object Object]'").
const fixed = variantByName('fixed');
const protoWorld = (device: string, process: string) =>
  parseScenario({
    name: 'p',
    devices: [device],
    processes: [{ name: process, steps: [
      { op: 'open', file: 'f', device },
      { op: 'mmap', vma: 'b', file: 'f', addr: 1, pages: 1 },
      { op: 'bind', file: 'f' },
      { op: 'dma', file: 'f', addr: 1, write: true, wait: true },
      { op: 'exit' },
    ] }],
  }, 'w');

describe('names that are Object.prototype keys are names like any other', () => {
  it.each([
    ['__proto__', 'A'],
    ['constructor', 'A'],
    ['d0', '__proto__'],
  ])('device %s, process %s: each name maps to its actor, and the run ends cleanly', async (device, process) => {
    const s = protoWorld(device, process);
    const w = buildWorld(s, fixed);
    expect([w.names[device], w.names[process], w.names[`${process}/f`]]).toEqual(['dma#1', 'process#1', 'file#1']);
    const r = await simulate({ scenario: s, variant: fixed, strategy: fifo(), transport: memoTransport(), maxSteps: 3000 });
    expect(r.violations).toEqual([]);
  });
});

// Bad-input lines that say what the user gave and what to give (issue 29 F22): a huge step index
// echoed as written, one message per field, and a step-limit hint that fits the limit given.
const withFault = (budget: number) => ({ ...loadScenario('exit-with-mmap'), faults: [{ kind: 'device-timeout', device: 'accel0', budget }] });

describe('bad-input messages', () => {
  it('an after step index past 2^53 is echoed as written, not rounded', () => {
    const s = structuredClone(loadScenario('bind-after-exit')) as { processes: { steps: { after?: string }[] }[] };
    s.processes[1]!.steps[0]!.after = 'A.99999999999999999999';
    expect(() => parseScenario(s, 'w')).toThrow(/has no step 99999999999999999999 \(it has \d+\)$/);
  });
  it('a huge budget gets one message, its range (1..16)', () => {
    expect(() => parseScenario(withFault(1e20), 'w')).toThrow(/^w: faults\[0\]\.budget: Too big: expected number to be <=16$/);
  });
  it('the step-limit hint: the default below it, four times the limit from it', () => {
    expect(moreStepsHint(1)).toBe('leave --max-steps out (the default is 2000, or 40 per scenario step for a bigger world)');
    expect(moreStepsHint(2000)).toBe('try --max-steps 8000');
  });
});
