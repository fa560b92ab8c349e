// docs/reference/fidelity.md against machines/: every name its model column gives is a state,
// event, action or guard of that machine; every kernel-style (snake_case) name of a machine has a
// row; the tests and built-in scenarios its rows cite exist.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { machines } from '../../machines/index.ts';
import { builtinNames } from '../../src/scenario/load.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'reference', 'fidelity.md'), 'utf8');

/** A machine's names: its states, the events it takes (`ret.` dropped), its actions and guards. */
export function machineNames(m: AnyStateMachine): Set<string> {
  const names = new Set<string>([...Object.keys(m.implementations.actions), ...Object.keys(m.implementations.guards)]);
  const walk = (node: AnyStateMachine['root']): void => {
    names.add(node.key);
    for (const e of Object.keys(node.config.on ?? {})) names.add(e.replace(/^ret\./, ''));
    for (const child of Object.values(node.states)) walk(child);
  };
  walk(m.root);
  return names;
}

/** machines/<file>.ts for each kind (machines/index.ts names them by kind: faultHandler is
 * fault-handler.ts). */
const FILES: Record<string, string> = Object.fromEntries(Object.keys(machines).map((kind) => [`${kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`, kind]));
const NAMES = Object.fromEntries(Object.entries(FILES).map(([f, kind]) => [f, machineNames(machines[kind]!)]));

/** The table rows (`|` lines after the header's separator) of the section under `heading`. */
function rows(heading: string): string[][] {
  const section = DOC.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`no section ${heading}`);
  return section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| kernel') && !l.startsWith('| model'))
    .map((l) => l.slice(2, -2).split(' | '));
}

/** `file.ts`: `a`, `b`; `other.ts`: `c` → [file, name] pairs (a bare `qi.ts` names a module). */
function cited(cell: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of cell.split(/;\s*/)) {
    const m = /^`([a-z-]+\.ts)`(?::\s*(.*))?/.exec(part.trim());
    if (!m) throw new Error(`model cell part not \`file.ts\`: names: ${part}`);
    for (const n of (m[2] ?? '').matchAll(/`([^`]+)`/g)) out.push([m[1]!, n[1]!]);
  }
  return out;
}

const kernelRows = rows('The table');
const ownRows = rows("The model's own names");
const snake = /^_*[a-z0-9]+(_[a-z0-9]+)+$/;

describe('the fidelity table', () => {
  it('knows each machine by its file', () => {
    for (const f of Object.keys(FILES)) expect(existsSync(join(ROOT, 'machines', f)), f).toBe(true);
  });

  it('has a row for each kernel entity the machines model', () => {
    expect(kernelRows.length).toBeGreaterThan(20);
    for (const r of kernelRows) expect(r, r[0]).toHaveLength(5);
  });

  it('names only states, events, actions and guards that the named machine has', () => {
    const missing = [...kernelRows, ...ownRows].flatMap((r) => cited(r[r.length === 5 ? 2 : 0]!))
      .filter(([f, n]) => !NAMES[f] || !NAMES[f]!.has(n)).map(([f, n]) => `${f}: ${n}`);
    expect(missing).toEqual([]);
  });

  it('gives every kernel-style name of every machine a row', () => {
    const rowed = new Set([...kernelRows, ...ownRows].flatMap((r) => cited(r[r.length === 5 ? 2 : 0]!)).map(([f, n]) => `${f}: ${n}`));
    const unrowed = Object.entries(NAMES).flatMap(([f, names]) => [...names].filter((n) => snake.test(n) && !rowed.has(`${f}: ${n}`)).map((n) => `${f}: ${n}`));
    expect(unrowed).toEqual([]);
  });

  it('cites only tests and built-in scenarios that exist', () => {
    const cells = kernelRows.map((r) => r[4]!).join(' ');
    const tests = [...cells.matchAll(/`(test\/[^`]+\.ts)`/g)].map((m) => m[1]!);
    expect(tests.length).toBeGreaterThan(0);
    for (const t of tests) expect(existsSync(join(ROOT, t)), t).toBe(true);
    const scenarios = [...cells.matchAll(/`([a-z]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]!).filter((s) => !/^(dma-freed|dma-stop-slow|use-after-free)$/.test(s) && !s.startsWith('fixed'));
    for (const s of scenarios) expect(builtinNames(), s).toContain(s);
  });
});
