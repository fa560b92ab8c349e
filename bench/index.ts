// `npm run bench`: every section in bench/sections, in name order; each returns its figures, which
// are printed and written to bench-results.json (to a temp name, then renamed). Sections compare
// ratios measured side by side in this one run, never absolute timings against a constant.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../src/files.ts';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';

export interface BenchSection {
  name: string;
  run: () => Promise<Record<string, unknown>>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'sections');
const only = new Command('bench').argument('[sections...]', 'only these sections (transport, engine, explore, hunt, dfs, faults, distributed, history, builtins, fuzz)').parse().args;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results.json');
// Running some sections keeps the figures of the others from the last full run.
const earlier = only.length && existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
const results: Record<string, unknown> = { ...earlier, date: new Date().toISOString(), node: process.version };
const t0 = performance.now();
for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts')).sort()) {
  const { section } = (await import(pathToFileURL(join(dir, f)).href)) as { section: BenchSection };
  if (only.length && !only.includes(section.name)) continue;
  const s0 = performance.now();
  console.log(`\n== ${section.name}`);
  const figures = await section.run();
  results[section.name] = figures;
  console.log(JSON.stringify(figures, null, 2));
  console.log(`(${((performance.now() - s0) / 1000).toFixed(1)} s)`);
}
results.totalSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
writeJsonAtomic(out, results);
console.log(`\nwrote ${out} in ${results.totalSeconds} s`);
