// The stateful dfs of every built-in scenario on every kernel variant, one row each: exhausted,
// states, transitions, CPU seconds and the oracles that fired. Run it on two trees (before and
// after a fidelity change) and compare the rows: docs/results/issue-26.md has such a table.
//   npx tsx bench/labs/dfs-table.ts [out.json] [scenario,...]
// DFS_SECONDS caps one search (default 120); a search cut short says exhausted: false.
import { writeFileSync } from 'node:fs';
import { explore } from '../../src/explore/explore.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { VARIANTS } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';

const out = process.argv[2];
const only = process.argv[3]?.split(',');
const seconds = Number(process.env.DFS_SECONDS ?? 120);
const rows: Record<string, unknown>[] = [];
for (const name of builtinNames().filter((n) => !only || only.includes(n))) {
  for (const v of VARIANTS) {
    const cpu = process.cpuUsage();
    const r = await explore({ scenario: loadScenario(name), variant: v, strategy: 'dfs', seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: false, seconds });
    const used = process.cpuUsage(cpu);
    const g = r.dfs?.states;
    const row = { scenario: name, kernel: v.name, exhausted: !!r.dfs?.exhausted, states: g?.states, transitions: g?.transitions, seconds: +r.seconds.toFixed(2), cpuSeconds: +((used.user + used.system) / 1e6).toFixed(2), oracles: [...new Set(r.violations.map((x) => x.oracle))].sort() };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
if (out) writeFileSync(out, JSON.stringify(rows, null, 1) + '\n');
