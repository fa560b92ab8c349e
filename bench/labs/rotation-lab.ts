// Which portfolio rotation to ship (src/scheduler/portfolio.ts): each member's hit or miss on every
// schedule the hunt (bench/sections/25-hunt.ts) would give it, computed once, then any rotation's
// median schedules to the first hit read off that table, per 30-seed set and over all seeds.
//   npx tsx bench/labs/rotation-lab.ts hits                 the table (LAB_SEEDS seeds × LAB_DEPTH schedules)
//   npx tsx bench/labs/rotation-lab.ts medians p1,pct4,walk  each rotation's medians, row by row
// Schedule n of hunt seed s runs member n mod the rotation with seed s · 1,000,003 + n, as the
// portfolio does, so a rotation's medians here are the hunt's.
import { variantByName } from '../../src/variants/variants.ts';
import { Command } from 'commander';
import { makeTransport } from '../../src/engine/transports.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { memberStrategy } from '../../src/scheduler/portfolio.ts';
import { simulate } from '../../src/simulate.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

type M = { strategy: string; depth?: number; p?: number; delays?: number };
const MEMBERS: Record<string, M> = {
  walk: { strategy: 'random' }, p05: { strategy: 'probabilistic', p: 0.05 }, p1: { strategy: 'probabilistic', p: 0.1 }, p25: { strategy: 'probabilistic', p: 0.25 }, p5: { strategy: 'probabilistic', p: 0.5 },
  pct2: { strategy: 'pct', depth: 2 }, pct3: { strategy: 'pct', depth: 3 }, pct4: { strategy: 'pct', depth: 4 }, d1: { strategy: 'delay', delays: 1 }, d2: { strategy: 'delay', delays: 2 },
};
const ROWS = [
  ['exit-with-mmap', 'fixed-no-release-flush', ['dma-freed']], ['fault-during-exit', 'fixed-no-release-flush', ['dma-freed']],
  ['exit-with-mmap', 'fixed-no-fault-pin', ['use-after-free', 'leak']], ['fault-during-exit', 'fixed-no-fault-pin', ['use-after-free', 'leak']],
  ['fault-refused-dma', 'fixed', ['isolation']], ['fault-timeout-reuse', 'fixed', ['isolation']],
  ['fault-stop-slow', 'fixed', ['use-after-free']], ['fault-response-lost', 'fixed', ['stuck']],
] as const;
const ONLY = process.env.LAB_ROWS?.split(',');
const SEEDS = Number(process.env.LAB_SEEDS ?? 90);
const DEPTH = Number(process.env.LAB_DEPTH ?? 30);

const OUT = process.env.LAB_OUT ?? '/tmp/lab/hits.json';
const out: Record<string, Record<string, number[][]>> = existsSync(OUT) ? JSON.parse(readFileSync(OUT, 'utf8')) : {};
const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Schedules to the first hit of seed s under a rotation (Infinity: none within the table). */
function firstHit(row: Record<string, number[][]>, rotation: string[], s: number): number {
  const depth = row[rotation[0]!]![s]!.length;
  for (let n = 0; n < depth; n++) if (row[rotation[n % rotation.length]!]![s]![n]) return n + 1;
  return Infinity;
}

function medians(rotations: string[][]): void {
  const table = JSON.parse(readFileSync(OUT, 'utf8')) as Record<string, Record<string, number[][]>>;
  for (const rotation of rotations) {
    console.log(rotation.join(','));
    for (const [name, row] of Object.entries(table)) {
      const seeds = row[rotation[0]!]!.length;
      const sets = Array.from({ length: Math.floor(seeds / 30) }, (_, i) => medianOf(Array.from({ length: 30 }, (_, j) => firstHit(row, rotation, 30 * i + j))));
      const all = medianOf(Array.from({ length: seeds }, (_, s) => firstHit(row, rotation, s)));
      console.log(`  ${name.padEnd(40)} ${String(all).padStart(4)} over ${seeds} seeds; per 30: ${sets.join(', ')}`);
    }
  }
}

async function hits(): Promise<void> {
const transport = await makeTransport('inline');
for (const [sc, k, oracles] of ROWS) {
  if (ONLY && !ONLY.includes(sc)) continue;
  const scenario = loadScenario(sc);
  const variant = variantByName(k);
  const steps = (await simulate({ scenario, variant, strategy: fifo(), transport, keepOpen: true })).steps;
  const row: Record<string, number[][]> = (out[`${sc}|${k}`] = {});
  for (const [name, m] of Object.entries(MEMBERS)) {
    const strategy = memberStrategy(m as never, steps);
    row[name] = [];
    for (let s = 0; s < SEEDS; s++) {
      const first = s * 1_000_003;
      const hits: number[] = [];
      for (let i = 0; i < DEPTH; i++) {
        const r = await simulate({ scenario, variant, strategy, transport, seed: first + i, keepOpen: true });
        hits.push(r.violations.some((v) => (oracles as readonly string[]).includes(v.oracle)) ? 1 : 0);
      }
      row[name]!.push(hits);
    }
    console.error(sc, k, name, (row[name]!.flat().reduce((a, b) => a + b, 0) / (SEEDS * DEPTH)).toFixed(3));
  }
}
await transport.close();
writeFileSync(OUT, JSON.stringify(out));
}

const lab = new Command('rotation-lab').exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 2));
lab.command('hits').description('every member on every scenario: hits per seed, written to the lab file').action(hits);
lab.command('medians').description('the median schedules to each bug of each rotation').argument('<rotation...>', 'a rotation: members separated by commas').action((rotations: string[]) => medians(rotations.map((r) => r.split(','))));
await lab.parseAsync();
