// A statechart drawn as SVG by beautiful-mermaid (pure JS, no DOM) from the same stateDiagram-v2
// text the charts command writes. A parallel machine is drawn one region per diagram, side by side:
// the renderer misplaces arrows into composites nested inside composites, and regions are what
// a parallel machine's reader compares anyway. The SVG is made self-contained (no web font) and
// its ids are prefixed, so several charts can share one HTML page.
import { renderMermaidSVG } from 'beautiful-mermaid';
import { transitionId, type Chart } from './chart.ts';
import type { MachineCoverage } from './coverage.ts';
import { mermaidId, place, stateDiagram } from './mermaid-state.ts';

const TITLE = 22;
const GAP = 16;

interface Piece {
  svg: string;
  w: number;
  h: number;
  title: string | null;
}

// Layout is the slow part (ELK): a report draws one chart per actor, several of one kind.
const drawn = new Map<string, string>();
const draw = (text: string): string => {
  let svg = drawn.get(text);
  if (svg === undefined) {
    // The renderer imports its font from the web; the page's own fonts do.
    svg = renderMermaidSVG(text, { transparent: true, padding: 16 }).replace(/^\s*@import url\([^)]*\);?\s*$/gm, '');
    drawn.set(text, svg);
  }
  return svg;
};

function render(text: string, prefix: string): Piece {
  let svg = draw(text);
  for (const [, id] of svg.matchAll(/\sid="([^"]+)"/g)) {
    svg = svg.replaceAll(`id="${id}"`, `id="${prefix}-${id}"`).replaceAll(`url(#${id})`, `url(#${prefix}-${id})`);
  }
  const [, w, h] = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg) ?? [];
  return { svg, w: Number(w), h: Number(h), title: null };
}

export interface ChartSvgOptions {
  /** Prefix of every id in the SVG (unique per chart on a page). */
  prefix?: string;
  /** Light the visited states and transitions. */
  coverage?: MachineCoverage;
  /** Shade states and transitions by how often they were visited: by state path, by transitionId. */
  shade?: ShadeCounts;
}

export interface ShadeCounts {
  states: Record<string, number>;
  transitions: Record<string, number>;
}

/** The chart as one SVG; nodes keep `data-id` = mermaidId(state path) for the report to light. */
export function chartSvg(chart: Chart, opts: ChartSvgOptions = {}): string {
  const prefix = opts.prefix ?? `chart-${chart.id}`;
  const pieces =
    chart.type === 'parallel'
      ? chart.top.map((region) => ({ ...render(stateDiagram(chart, { region }), `${prefix}-${mermaidId(region)}`), title: `‖ ${region}` }))
      : [render(stateDiagram(chart), prefix)];
  const top = pieces.some((p) => p.title) ? TITLE : 0;
  const width = pieces.reduce((s, p) => s + p.w, 0) + GAP * (pieces.length - 1);
  const height = top + Math.max(...pieces.map((p) => p.h));
  let x = 0;
  const body = pieces.map((p) => {
    const title = p.title ? `<text class="region" x="${x + 16}" y="16" font-size="13" font-weight="600" fill="#555">${p.title}</text>` : '';
    const nested = p.svg.replace('<svg ', `<svg x="${x}" y="${top}" `);
    x += p.w + GAP;
    return title + nested;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" id="${prefix}" class="statechart" data-machine="${chart.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${coverageStyle(chart, prefix, opts.coverage)}${shadeStyle(chart, prefix, opts.shade)}${body.join('')}</svg>`;
}

/** CSS lighting the visited states (green) and transitions (bold green), scoped to this chart. */
function coverageStyle(chart: Chart, prefix: string, cov?: MachineCoverage): string {
  if (!cov) return '';
  const states = cov.states.filter((p) => chart.states.has(p)).map(mermaidId);
  const taken = new Set(cov.transitions);
  const edges = chart.edges.filter((e) => e.target && taken.has(transitionId(e)));
  const rules = [
    ...states.map((id) => `#${prefix} g.node[data-id="${id}"] rect, #${prefix} g.subgraph[data-id="${id}"] rect:nth-of-type(2) { fill: #c8e6c9; stroke: #2e7d32; stroke-width: 1.5; }`),
    ...edges.map(place).map((p) => `#${prefix} polyline.edge[data-from="${mermaidId(p.from)}"][data-to="${mermaidId(p.to)}"] { stroke: #2e7d32; stroke-width: 2; }`),
  ];
  return `<style>${rules.join('\n')}</style>`;
}

/** 0..1: where `n` sits between 1 and `max` on a log scale (hits range over orders of magnitude). */
export const shadeLevel = (n: number, max: number): number => (n <= 0 ? 0 : max <= 1 ? 1 : Math.log(n) / Math.log(max));

/** #e8f5e9 (entered once) to #2e7d32 (the most often). */
const green = (t: number): string => {
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(200, 46)},${mix(236, 125)},${mix(201, 50)})`;
};

/** CSS shading each visited state's fill and each taken arrow's width by its count. Arrows that
 * Mermaid merges (several transitions between the same two states) add up. */
function shadeStyle(chart: Chart, prefix: string, shade?: ShadeCounts): string {
  if (!shade) return '';
  const maxState = Math.max(1, ...Object.values(shade.states));
  const arrows = new Map<string, number>();
  for (const e of chart.edges) {
    const n = shade.transitions[transitionId(e)] ?? 0;
    if (!e.target || !n) continue;
    const p = place(e);
    const key = `${mermaidId(p.from)} ${mermaidId(p.to)}`;
    arrows.set(key, (arrows.get(key) ?? 0) + n);
  }
  const maxArrow = Math.max(1, ...arrows.values());
  const rules = [
    ...Object.entries(shade.states)
      .filter(([p, n]) => n > 0 && chart.states.has(p))
      .map(([p, n]) => `#${prefix} g.node[data-id="${mermaidId(p)}"] rect, #${prefix} g.subgraph[data-id="${mermaidId(p)}"] rect:nth-of-type(2) { fill: ${green(shadeLevel(n, maxState))}; stroke: #2e7d32; stroke-width: 1.5; }`),
    ...[...arrows].map(([key, n]) => {
      const [from, to] = key.split(' ');
      return `#${prefix} polyline.edge[data-from="${from}"][data-to="${to}"] { stroke: #2e7d32; stroke-width: ${(1.5 + 2 * shadeLevel(n, maxArrow)).toFixed(2)}; }`;
    }),
  ];
  return `<style>${rules.join('\n')}</style>`;
}
