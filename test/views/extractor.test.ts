// The machine files stay readable by the Stately visualizer and its VS Code extension: their static
// extractor (@xstate/machine-extractor, in tools/extractor with the xstate v4 it wants) finds exactly
// one machine in each file, with the same states and transitions xstate builds when it runs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machines } from '../../machines/index.ts';
import { chartOf, edgeKey } from '../../src/views/chart.ts';

const ROOT = join(import.meta.dirname, '../..');
const TOOL = join(ROOT, 'tools/extractor');
const files = readdirSync(join(ROOT, 'machines')).filter((f) => f.endsWith('.ts') && readFileSync(join(ROOT, 'machines', f), 'utf8').includes('createMachine('));

interface Extracted {
  file: string;
  machines: { id: string; states: string[]; transitions: string[] }[];
  error?: string;
}

describe('machine files and the Stately extractor', () => {
  if (!existsSync(join(TOOL, 'node_modules/@xstate/machine-extractor'))) throw new Error('tools/extractor is not installed: run `npm ci --prefix tools/extractor`');
  const out = JSON.parse(execFileSync(process.execPath, [join(TOOL, 'extract.mjs'), ...files.map((f) => join(ROOT, 'machines', f))], { encoding: 'utf8' })) as Extracted[];

  it('every machine in the registry has a file, and every machine file is in the registry', () => {
    expect(files.length).toBe(Object.keys(machines).length);
    expect(out.flatMap((r) => r.machines.map((m) => m.id)).sort()).toEqual(Object.values(machines).map((m) => m.id).sort());
  });

  for (const r of out) {
    it(`${r.file.split('/').pop()}: one machine, the states and transitions xstate runs`, () => {
      expect(r.error).toBeUndefined();
      expect(r.machines).toHaveLength(1);
      const m = r.machines[0]!;
      const chart = chartOf(Object.values(machines).find((x) => x.id === m.id)!);
      expect(m.states.sort()).toEqual([...chart.states.keys()].sort());
      expect(m.transitions.sort()).toEqual(chart.edges.map(edgeKey).sort());
    });
  }
});
