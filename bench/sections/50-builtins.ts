// Issue 25's bench: the stateful dfs of every built-in scenario on `fixed` (inline, the
// scenario's own faults), states, transitions and seconds, beside the figures the README gave
// before the third wave (docs/results/findings.md at 9d0a79f, one process, the same search). A
// search is capped at CAP seconds and reported as cut, never dropped. Wall-clock seconds of this
// run, on this machine.
import type { BenchSection } from '../index.ts';
import { explore } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { DEFAULT_MAX_STEPS } from '../../src/runtime/run.ts';
import { builtinNames, loadScenario } from '../../src/scenario/load.ts';

const CAP = Number(process.env.BENCH_BUILTINS_CAP ?? 180);

/** The README's figures before the third wave: states, transitions (where it gave them), CPU s. */
const OLD: Record<string, [number, number | null, number | null]> = {
  'munmap-close-alive': [201, 311, 0.02], 'munmap-close-exit': [269, 458, 0.02], 'bind-alive': [327, 619, 0.15],
  'dma-unmapped': [441, 856, 0.17], 'dma-after-munmap': [467, 758, 0.09], 'close-then-exit': [9977, 27680, 0.73],
  graphics: [10167, 27826, 0.11], 'exit-with-mmap': [12013, 33250, 0.26], 'fault-during-exit': [21510, 60020, 0.22],
  'two-devices': [37565, 109181, 0.71], 'release-during-munmap': [538638, 1624082, 6.4], 'two-processes': [1731988, 6368715, 21.7],
  'exit-during-munmap': [2691491, 9934413, 41.7], 'fault-stop-slow': [30840, 108966, 1.6], 'fault-response-lost': [146448, 618454, 7],
  'fault-timeout-reuse': [2761526, 12485151, null], 'fault-response-dup': [97560, null, null], 'fault-retry-forever': [751, null, null],
};

export const section: BenchSection = {
  name: 'builtins',
  async run() {
    const rows: Record<string, unknown>[] = [];
    for (const name of builtinNames()) {
      const r = await explore({ scenario: loadScenario(name), variant: variantByName('fixed'), strategy: 'dfs', seed: 0, maxSteps: DEFAULT_MAX_STEPS, transport: 'inline', reorder: false, shrink: false, seconds: CAP });
      const g = r.dfs?.states;
      const old = OLD[name];
      rows.push({
        scenario: name,
        old: old ? { states: old[0], transitions: old[1], cpuSeconds: old[2] } : null,
        states: g?.states ?? null, transitions: g?.transitions ?? null, seconds: Number(r.seconds.toFixed(2)),
        exhausted: r.dfs?.exhausted ?? false, violations: [...new Set(r.violations.map((v) => v.oracle))],
      });
      console.log(JSON.stringify(rows.at(-1)));
    }
    return { cap: CAP, rows };
  },
};
