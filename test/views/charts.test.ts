// The statecharts: the chart model read from the running machine, its Mermaid text, its SVG, and
// the files `svmsim charts` writes.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machines } from '../../machines/index.ts';
import { chartOf, edgeKey } from '../../src/views/chart.ts';
import { chartSvg } from '../../src/views/chart-svg.ts';
import { writeCharts } from '../../src/views/charts.ts';
import { fromExplore } from '../../src/views/coverage.ts';
import { mermaidId, stateDiagram } from '../../src/views/mermaid-state.ts';
import { exploreCoverageOf } from './fixtures.ts';

const mm = chartOf(machines.mm!);

describe('chart model', () => {
  it('mm is three regions (lifecycle, the mmap_sem ops, mmu_notifier_unregister, which takes no mmap_sem); exit_mmap ends in defunct through an id target, resolved', () => {
    expect(mm.type).toBe('parallel');
    expect(mm.top).toEqual(['lifecycle', 'op', 'unregister']);
    expect(mm.states.get('lifecycle')!.initial).toBe('lifecycle.live');
    const keys = mm.edges.map(edgeKey);
    expect(keys).toContain('lifecycle.exit_mmap.remove_next_vma -> lifecycle.defunct on always');
    expect(keys).toContain('lifecycle.live -> lifecycle.exit_mmap on exit_mmap');
    expect(keys).toContain('(root) -> - on mmput');
    expect(mm.edges.find((e) => e.source === 'lifecycle.exit_mmap.release' && e.target === 'lifecycle.exit_mmap.intel_mm_release')!.guard).toBe('moreToRelease');
  });
});

describe('Mermaid stateDiagram-v2', () => {
  for (const [kind, machine] of Object.entries(machines)) {
    it(`${kind}: every state declared once, in its composite; every arrow between siblings`, () => {
      const chart = chartOf(machine);
      const text = stateDiagram(chart);
      expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
      // Walk the blocks: which composite each line is in.
      const stack: string[] = [''];
      const declaredIn = new Map<string, string>();
      for (const line of text.split('\n').slice(1).map((l) => l.trim())) {
        const open = /^state "[^"]+" as (\w+) \{$/.exec(line);
        const decl = /^state "[^"]+" as (\w+)$/.exec(line);
        const arrow = /^(\w+|\[\*\]) --> (\w+|\[\*\])/.exec(line);
        if (open || decl) {
          const id = (open ?? decl)![1]!;
          expect(declaredIn.has(id)).toBe(false);
          declaredIn.set(id, stack.at(-1)!);
          if (open) stack.push(id);
        } else if (line === '}') stack.pop();
        else if (arrow) for (const end of [arrow[1]!, arrow[2]!]) if (end !== '[*]') expect(declaredIn.get(end)).toBe(stack.at(-1));
      }
      expect([...declaredIn.keys()].sort()).toEqual([...chart.states.keys()].map(mermaidId).sort());
      for (const [path, s] of chart.states) {
        const parent = path.split('.').slice(0, -1).join('.');
        expect(declaredIn.get(mermaidId(path))).toBe(mermaidId(parent));
        expect(s.key).toBe(path.split('.').at(-1));
      }
    });
  }

  it('with coverage: visited atomic states in classDef visited, taken transitions ticked', async () => {
    const cov = fromExplore(await exploreCoverageOf('pre-fix')).machines.vma!;
    const text = stateDiagram(chartOf(machines.vma!), { coverage: cov });
    expect(text).toContain('class unallocated,mmap_region,get_file,mapped visited');
    expect(text).toContain('unallocated --> mmap_region : vma_init ✓');
    expect(text).toMatch(/mapped --> remove_vma : remove_vma\n/); // the pre-fix leak: never removed
    expect(text).toContain('%% coverage: 4/7 states, 3/8 transitions');
  });
});

describe('SVG', () => {
  it('every state of every machine is a node or a composite in its SVG, with no web font', () => {
    for (const machine of Object.values(machines)) {
      const chart = chartOf(machine);
      const svg = chartSvg(chart, { prefix: 'p' });
      expect(svg).not.toMatch(/@import|https?:\/\/(?!www\.w3\.org)/);
      for (const [path, s] of chart.states) {
        const tag = s.children.length ? 'subgraph' : 'node';
        // A parallel machine's regions are titles, not boxes.
        if (chart.type === 'parallel' && chart.top.includes(path)) expect(svg).toContain(`‖ ${path}`);
        else expect(svg).toContain(`<g class="${tag}" data-id="${mermaidId(path)}"`);
      }
      expect(svg.match(/\sid="([^"]+)"/g)!.every((m) => m.startsWith(' id="p'))).toBe(true);
    }
  });
});

describe('svmsim charts files', () => {
  it('writes <kind>.json (the config Stately imports), .mmd and .svg for every machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-charts-'));
    const rows = writeCharts(dir, fromExplore(await exploreCoverageOf('fixed')));
    expect(readdirSync(dir).sort()).toEqual(Object.keys(machines).flatMap((k) => [`${k}.json`, `${k}.mmd`, `${k}.svg`]).sort());
    for (const [kind, machine] of Object.entries(machines)) {
      expect(JSON.parse(readFileSync(join(dir, `${kind}.json`), 'utf8'))).toEqual(JSON.parse(JSON.stringify(machine.config)));
      expect(readFileSync(join(dir, `${kind}.mmd`), 'utf8')).toContain('classDef visited');
    }
    const mmRow = rows.find((x) => x.kind === 'mm')!;
    expect(mmRow.visitedStates).toBeLessThan(mmRow.states);
    expect(readFileSync(join(dir, 'mm.svg'), 'utf8')).toContain('g.node[data-id="lifecycle__freed"]');
  });
});
