// Runs the view tests share: one schedule of a built-in scenario, as simulate() returns it and as
// `svmsim run --json` prints it.
import { runJson } from '../../src/cli/commands/run.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { inlineTransport } from '../../src/runtime/inline.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { simulate, type SimResult } from '../../src/simulate.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoverageRecorder } from '../../src/explore/coverage.ts';
import { explore, type ExploreOptions } from '../../src/explore/explore.ts';
import type { ExploreResult } from '../../src/explore/result.ts';

const runs = new Map<string, Promise<SimResult>>();

export function runOf(kernel: string, scenario = 'exit-with-mmap'): Promise<SimResult> {
  const key = `${kernel} ${scenario}`;
  if (!runs.has(key)) runs.set(key, simulate({ scenario: loadScenario(scenario), variant: variantByName(kernel), strategy: fifo(), transport: inlineTransport() }));
  return runs.get(key)!;
}

/** The document `svmsim run --json --kernel K --scenario S` prints. */
export async function runDocOf(kernel: string, scenario = 'exit-with-mmap') {
  const r = await runOf(kernel, scenario);
  return JSON.parse(JSON.stringify(runJson(r, { kernel, scenario, strategy: 'fifo', seed: 0, transport: 'inline' }))) as ReturnType<typeof runJson> & { kernel: string; scenario: string };
}

/** The statechart coverage of one fifo run, as explore records and writes it. */
export async function exploreCoverageOf(kernel: string, scenario = 'exit-with-mmap') {
  const sc = loadScenario(scenario);
  const variant = variantByName(kernel);
  const kinds = new Map(buildWorld(sc, variant).specs.map((s) => [s.id, s.kind]));
  const rec = new CoverageRecorder();
  await simulate({ scenario: sc, variant, strategy: fifo(), transport: inlineTransport({ inspect: rec.inspector((id) => kinds.get(id)) }) });
  return rec.data();
}

const explorations = new Map<string, Promise<{ result: ExploreResult; dir: string }>>();

/** A small pct exploration that finds a counterexample (fixed-no-release-flush: dma-freed),
 * with its schedule files in a temporary folder. */
export function explorationOf(kernel = 'fixed-no-release-flush', schedules = 60) {
  const key = `${kernel} ${schedules}`;
  if (!explorations.has(key)) {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-views-explore-'));
    const o: ExploreOptions = { scenario: loadScenario('exit-with-mmap'), variant: variantByName(kernel), strategy: 'pct', schedules, seed: 0, maxSteps: 2000, transport: 'inline', reorder: false, out: dir };
    explorations.set(key, explore(o).then((result) => ({ result, dir })));
  }
  return explorations.get(key)!;
}
