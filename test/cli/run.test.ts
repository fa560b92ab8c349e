import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { SCENARIO_DIR } from '../../src/scenario/load.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { svmsim } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'svmsim-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** A one-device world that DMAs once, with an `iommu` section and the DMA's request flags. */
const hw = (iommu?: unknown, request?: unknown) =>
  JSON.stringify({
    name: 'hw',
    devices: ['d'],
    processes: [{ name: 'A', steps: [{ op: 'open', file: 'f', device: 'd' }, { op: 'mmap', vma: 'v', file: 'f', addr: 1, pages: 1 }, { op: 'bind', file: 'f' }, { op: 'dma', file: 'f', addr: 1, ...(request ? { request } : {}) }, { op: 'exit' }] }],
    ...(iommu ? { iommu } : {}),
  });

describe('svmsim run: bad input is one line on stderr and exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    // (v4.5 names `fixed` now: a line variant answers to its release, test/model/history.test.ts.)
    ['unknown variant', ['run', '--kernel', 'v4.6', '--transport', 'inline'], /^svmsim: unknown kernel variant 'v4\.6' \(valid: pre-fix, fixed, v4\.9-no-pasid, v4\.14-9d8c3af31607, v4\.19-4fa064b26c2e, v5\.7-902baf61adf6, v5\.12-3aa7c62cb7d7, fixed-no-release-flush, fixed-no-fault-pin, v5\.8-66ac4db36f4c; or a line variant's commit\)\n$/],
    ['unknown scenario', ['run', '--scenario', 'exit', '--transport', 'inline'], /^svmsim: unknown scenario 'exit' \(valid: bind-after-exit, bind-alive, close-then-exit, .*, or a \.json file\)\n$/],
    ['unknown strategy', ['run', '--strategy', 'lifo', '--transport', 'inline'], /^svmsim: unknown strategy 'lifo' \(valid: fifo, random\)\n$/],
    ['bad seed', ['run', '--seed', 'x1', '--transport', 'inline'], /^svmsim: --seed must be an integer from 0 to 4294967295, got 'x1'\n$/],
    ['missing file', ['run', '--scenario', join(dir, 'nope.json'), '--transport', 'inline'], /^svmsim: cannot read scenario .*nope\.json: ENOENT\n$/],
    ['not JSON', ['run', '--scenario', file('bad.json', '{"name": '), '--transport', 'inline'], /^svmsim: .*bad\.json: not JSON: .*\n$/],
    ['bad field', ['run', '--scenario', file('field.json', JSON.stringify({ name: 'x', devices: ['d'], processes: [{ name: 'A', steps: [{ op: 'open', file: 'f', device: 'd' }, { op: 'dma', file: 'f', addr: 1, count: 0 }] }] })), '--transport', 'inline'], /^svmsim: .*field\.json: processes\[0\]\.steps\[1\]\.count: .*\n$/],
    ['unknown transport', ['run', '--transport', 'carrier-pigeon'], /^svmsim: unknown transport 'carrier-pigeon' \(valid: inline, workers\)\n$/],
    // Issue 26: the IOMMU's PRQ size, a requester id, a request flag: one line naming the field.
    ['a PRQ that is no power of two', ['run', '--scenario', file('prq.json', hw({ prq: 6 })), '--transport', 'inline'], /^svmsim: .*prq\.json: iommu\.prq: 6 descriptors is not a power of two \(2 to 256; 4\.4 has 256\)\n$/],
    ['a devfn beyond 8 bits', ['run', '--scenario', file('devfn.json', hw({ devices: { d: { devfn: 300 } } })), '--transport', 'inline'], /^svmsim: .*devfn\.json: iommu\.devices\.d\.devfn: .*\n$/],
    ['a request flag that is not a boolean', ['run', '--scenario', file('flag.json', hw(undefined, { lpig: 'no' })), '--transport', 'inline'], /^svmsim: .*flag\.json: processes\[0\]\.steps\[3\]\.request\.lpig: .*\n$/],
  ];
  it.each(cases)('%s', (_what, args, stderr) => {
    const r = svmsim(args);
    expect(r.stderr).toMatch(stderr);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('an unknown option is a usage error, exit 2', () => {
    expect(svmsim(['run', '--kernal', 'fixed']).code).toBe(2);
  });
});

describe('svmsim run: exit code 1 when an oracle fires, 0 when none does', () => {
  it('pre-fix leaks: the timeline, the object table, the verdict naming the cycle, exit 1', () => {
    const r = svmsim(['run', '--kernel', 'pre-fix', '--transport', 'inline']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/process#1 → mm#1 +mmput .*mm#1\.mm_users 2→1/);
    expect(r.stdout).toMatch(/^mm +mm#1 +mm_users=1 mm_count=2 +ALIVE/m);
    expect(r.stdout).toMatch(/\[leak\] .*reference cycle/);
  });
  it('fixed: --json has trace, objects with kernel-named counts, no violations; exit 0', () => {
    const r = svmsim(['run', '--kernel', 'fixed', '--json', '--transport', 'inline']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.violations).toEqual([]);
    expect(doc.trace.length).toBeGreaterThan(50);
    expect(doc.objects.find((o: { id: string }) => o.id === 'mm#1')).toMatchObject({ kind: 'mm', alive: false, mm_users: 0, mm_count: 0 });
    expect(doc.objects.find((o: { id: string }) => o.id === 'file#1')).toMatchObject({ kind: 'file', alive: false, f_count: 0 });
    expect(new Set(doc.objects.map((o: { kind: string }) => o.kind))).toEqual(new Set(['mm', 'pgd', 'file', 'vma', 'svm', 'sdev', 'pasid', 'pasid-entry', 'pt', 'page', 'iotlb', 'pasid-cache']));
  });
  it('a user scenario file runs', () => {
    const p = file('mine.json', JSON.stringify({ name: 'mine', devices: ['d'], processes: [{ name: 'A', steps: [{ op: 'open', file: 'f', device: 'd' }, { op: 'mmap', vma: 'v', file: 'f', addr: 0, pages: 1 }, { op: 'bind', file: 'f' }, { op: 'exit' }] }] }));
    const r = svmsim(['run', '--kernel', 'pre-fix', '--scenario', p, '--json', '--transport', 'inline']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).violations[0].oracle).toBe('leak');
  });
});

describe('svmsim variants / scenarios / demo', () => {
  it('variants lists each with its hunks', () => {
    const r = svmsim(['variants']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fixed-no-fault-pin\n.*\n  \+ releaseFlush: intel_mm_release: .*\n  \+ mmCountOnly: /m);
    expect(r.stdout).toMatch(/^pre-fix\n.*\n  \(no hunk of the seed/m);
  });
  it('scenarios lists the built-ins', () => {
    expect(svmsim(['scenarios']).stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[0])).toEqual(
      readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort(),
    );
  });
  it('demo shows the leak cycle against all freed', () => {
    const r = svmsim(['demo']);
    expect(r.stdout).toMatch(/== pre-fix[\s\S]*at quiescence: +mm_users=1 mm_count=2 f_count=1[\s\S]*reference cycle/);
    expect(r.stdout).toMatch(/== fixed[\s\S]*at quiescence: +mm_users=0 mm_count=0 f_count=0[\s\S]*nothing — every mm/);
  });
});
