// `svmsim history`'s cost: the whole matrix (every built-in scenario on every variant of the line
// of history, each cell the stateful dfs within the default budget, then the default strategy's
// fallback where the space is larger, counterexamples shrunk as the command does), and each row's
// seconds and each column's. Wall-clock seconds of this run, on this machine; nothing compared.
import { DEFAULT_BUDGET, DEFAULT_FALLBACK, matrix } from '../../src/explore/line.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';
import { LINE } from '../../src/variants/variants.ts';
import type { BenchSection } from '../index.ts';

export const section: BenchSection = {
  name: 'history',
  run: async () => {
    const cpu0 = process.cpuUsage();
    const m = await matrix(builtinNames().map(loadScenario), LINE, { budget: DEFAULT_BUDGET, fallback: DEFAULT_FALLBACK, shrink: true });
    const cpu = process.cpuUsage(cpu0);
    const cells = m.rows.flatMap((r) => r.cells);
    const perVariant = Object.fromEntries(m.variants.map((v, i) => [v.name, Number(m.rows.reduce((n, r) => n + r.cells[i]!.seconds, 0).toFixed(2))]));
    return {
      seconds: m.seconds,
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
      budget: m.budget,
      fallback: m.fallback,
      cells: cells.length,
      exhausted: cells.filter((c) => c.exhausted).length,
      perRow: Object.fromEntries(m.rows.map((r) => [r.scenario, r.seconds])),
      perVariant,
    };
  },
};
