// Each fault kind's harms (src/scenario/fault-kinds.ts) list every oracle it can cause, and only
// oracles it does cause: a stateful dfs of a world that allows that kind alone finds nothing its
// harms leave out (the livelock lasso included: F6, device-retry's livelock was reported as a bug
// of the model), and every harm a kind lists has a schedule here that shows it.
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/explore/explore.ts';
import { withFaults } from '../../src/faults/override.ts';
import { firedFaults, unexplained } from '../../src/faults/harms.ts';
import { memoTransport } from '../../src/engine/memo.ts';
import { makeExploreStrategy } from '../../src/scheduler/index.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { random } from '../../src/scheduler/random.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { FAULT_KINDS, FAULT_NAMES, type FaultName } from '../../src/scenario/fault-kinds.ts';
import { simulate } from '../../src/simulate.ts';
import { variantByName } from '../../src/variants/variants.ts';
import type { OracleName } from '../../src/oracles/types.ts';

const fixed = variantByName('fixed');
/** The kinds a scenario scopes to a device or process (the worker faults end the run: no harm). */
const WORLD_KINDS = FAULT_NAMES.filter((k) => !(FAULT_KINDS[k].scopes as readonly string[]).includes('run'));
const searched = new Map<string, ReturnType<typeof explore>>();
/** The stateful dfs of `scenario` allowing `kind` alone (once per file: the witnesses reuse it). */
const dfs = (scenario: string, kind: FaultName) => {
  const key = `${scenario} ${kind}`;
  if (!searched.has(key)) searched.set(key, explore({ scenario: withFaults(loadScenario(scenario), kind), variant: fixed, strategy: 'dfs', schedules: 1000, seed: 0, maxSteps: 3000, transport: 'inline', reorder: false, shrink: false }));
  return searched.get(key)!;
};

describe('a stateful dfs of each fault kind alone finds only its harms', () => {
  it.each(WORLD_KINDS)('%s on exit-with-mmap', async (kind) => {
    const r = await dfs('exit-with-mmap', kind);
    expect(r.violations.filter((v) => !v.faults?.explained).map((v) => `${v.oracle}: ${v.violation.message}`)).toEqual([]);
  });
});

/** A schedule that shows a harm: a seeded run of a world allowing that kind, or its stateful dfs. */
type Witness = { scenario: string; strategy: 'random' | 'pct'; seed: number } | { scenario: string; strategy: 'dfs' };
// The seeds are the first that show each harm on the model as it is (the PRQ's register steps of
// issue 26 and the SRCU steps of issue 25 moved them; a search over seeds 0-1999 finds them again).
const WITNESSES: Record<string, Witness> = {
  'device-timeout isolation': { scenario: 'two-processes', strategy: 'pct', seed: 49 },
  'device-timeout use-after-free': { scenario: 'exit-with-mmap', strategy: 'pct', seed: 29 },
  'page-response-lost stuck': { scenario: 'exit-with-mmap', strategy: 'pct', seed: 1 },
  'page-response-lost leak': { scenario: 'exit-with-mmap', strategy: 'random', seed: 33 },
  'device-retry stuck': { scenario: 'exit-with-mmap', strategy: 'pct', seed: 20 },
  'device-retry livelock': { scenario: 'exit-with-mmap', strategy: 'dfs' },
  'dma-stop-slow use-after-free': { scenario: 'exit-with-mmap', strategy: 'random', seed: 50 },
  'dma-stop-slow isolation': { scenario: 'two-processes', strategy: 'pct', seed: 92 },
};
const HARMS = FAULT_NAMES.flatMap((kind) => FAULT_KINDS[kind].harms.map((h): [FaultName, OracleName, string | undefined] => [kind, h.oracle, 'by' in h ? h.by : undefined]));

/** The violations of the witness's schedule (dfs: the first schedule of each oracle), with the faults that fired. */
async function witnessed(kind: FaultName, w: Witness) {
  if (w.strategy === 'dfs') return (await dfs(w.scenario, kind)).violations.map((v) => ({ oracle: v.oracle, by: v.violation.actors?.[0], explained: !!v.faults?.explained }));
  const scenario = withFaults(loadScenario(w.scenario), kind);
  const t = memoTransport();
  try {
    const base = { scenario, variant: fixed, transport: t, maxSteps: 3000, keepOpen: true };
    const steps = (await simulate({ ...base, strategy: fifo() })).steps;
    const strategy = w.strategy === 'random' ? random() : makeExploreStrategy('pct', { steps, depth: 3 });
    const r = await simulate({ ...base, strategy, seed: w.seed });
    const fired = firedFaults(r.trace);
    return r.violations.map((v) => ({ oracle: v.oracle, by: v.actors?.[0], explained: fired.has(kind) && !unexplained(scenario, [v], fired).length }));
  } finally {
    await t.close();
  }
}

describe('every harm a fault kind lists is one it causes', () => {
  it('each listed harm has a witness, and each witness a listed harm', () => {
    expect(HARMS.map(([kind, oracle]) => `${kind} ${oracle}`).sort()).toEqual(Object.keys(WITNESSES).sort());
  });
  it.each(HARMS)('%s causes %s', async (kind, oracle, by) => {
    const seen = await witnessed(kind, WITNESSES[`${kind} ${oracle}`]!);
    expect(seen.filter((v) => v.oracle === oracle && (by === undefined || v.by === by)).map((v) => v.explained)).toContain(true);
  });
});
