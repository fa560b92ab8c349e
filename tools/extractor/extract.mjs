#!/usr/bin/env node
// Runs the Stately tools' static extractor (@xstate/machine-extractor, what the visualizer and the
// VS Code extension read machine files with) over files, and prints what it sees as JSON:
// [{ file, machines: [{ id, states, transitions }], error? }]. `states` are dotted paths;
// `transitions` are `source -> target on event` (target `-` for a targetless one, event `always`
// for an eventless one), so a test can compare them with what xstate builds from the same file.
// Usage: node tools/extractor/extract.mjs machines/*.ts
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const { extractMachinesFromFile } = createRequire(import.meta.url)('@xstate/machine-extractor');

const arr = (x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** Resolve a target as xstate does: `#id.path`, `.child`, or a sibling's key. */
function resolve(target, path, root) {
  if (target.startsWith('#')) {
    const [id, ...rest] = target.slice(1).split('.');
    return id === root ? rest.join('.') : `#${target}`;
  }
  if (target.startsWith('.')) return [...path, ...target.slice(1).split('.')].join('.');
  return [...path.slice(0, -1), ...target.split('.')].join('.');
}

function walk(node, path, root, out) {
  if (path.length) out.states.push(path.join('.'));
  const src = path.join('.') || '(root)';
  const edges = [...Object.entries(node.on ?? {}).map(([ev, t]) => [ev, t]), ['always', node.always]];
  for (const [ev, ts] of edges) {
    for (const t of arr(ts)) {
      const targets = arr(typeof t === 'string' ? t : t?.target);
      if (!targets.length) out.transitions.push(`${src} -> - on ${ev}`);
      for (const tg of targets) out.transitions.push(`${src} -> ${resolve(tg, path, root)} on ${ev}`);
    }
  }
  for (const [key, child] of Object.entries(node.states ?? {})) walk(child, [...path, key], root, out);
  return out;
}

const report = process.argv.slice(2).map((file) => {
  try {
    const res = extractMachinesFromFile(readFileSync(file, 'utf8'));
    const machines = (res?.machines ?? []).map((m) => {
      const cfg = m.toConfig();
      return { id: cfg?.id ?? null, ...walk(cfg ?? {}, [], cfg?.id, { states: [], transitions: [] }) };
    });
    return { file, machines };
  } catch (e) {
    return { file, machines: [], error: String(e?.message ?? e).split('\n')[0] };
  }
});
process.stdout.write(JSON.stringify(report) + '\n');
