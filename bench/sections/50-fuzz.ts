// fuzz against explore, bug by bug (issue 32): for each ablation (fixed-no-release-flush,
// fixed-no-fault-pin, pre-fix) and each hand-written patch in test/mutation/patches/ (applied to a
// copy of the tree, hunted on `fixed`), the median seconds and worlds until `svmsim fuzz` finds a
// violation, over seeds 0-9, beside the median seconds and schedules until explore's default
// strategy over the built-in scenarios does (bench/fuzz-hunt.ts says what each hunt counts). Each
// kernel's hunt runs in a child process of its own, niced (the machine is shared); a hunt past
// CAP seconds is a miss, and a median that is a miss is reported as "> CAP s", not dropped.
//
// Env: FUZZ_BENCH_SEEDS (default 0-9), FUZZ_BENCH_CAP (seconds, default 120), FUZZ_BENCH_ONLY
// (a comma list of targets: ablation names or patch names, e.g. 03-unbind-skips-release).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from '../index.ts';
import type { Hunt } from '../fuzz-hunt.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const PATCHES = join(ROOT, 'test/mutation/patches');
const ABLATIONS = ['fixed-no-release-flush', 'fixed-no-fault-pin', 'pre-fix'];
const SEEDS = process.env.FUZZ_BENCH_SEEDS ?? '0-9';
const CAP = Number(process.env.FUZZ_BENCH_CAP ?? 120);
const ONLY = process.env.FUZZ_BENCH_ONLY?.split(',').map((s) => s.trim());

interface Target {
  name: string;
  kernel: string;
  patch?: string;
  /** What the patch's header says shows it. */
  oracle?: string;
}

function targets(): Target[] {
  const patches = readdirSync(PATCHES)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => ({ name: f.slice(0, -6), kernel: 'fixed', patch: join(PATCHES, f), oracle: /^# oracle: (.+)$/m.exec(readFileSync(join(PATCHES, f), 'utf8'))?.[1] }));
  const all = [...ABLATIONS.map((k) => ({ name: k, kernel: k })), ...patches];
  return ONLY ? all.filter((t) => ONLY.includes(t.name)) : all;
}

/** The hunt of one target, in this tree (an ablation) or in a patched copy of it. */
function hunt(t: Target): { fuzz: Hunt[]; explore: Hunt[] } {
  let cwd = ROOT;
  if (t.patch) {
    cwd = mkdtempSync(join(tmpdir(), `svmsim-fuzz-bench-${t.name}-`));
    for (const d of ['machines', 'src', 'scenarios', 'bench', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, d), join(cwd, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(cwd, 'node_modules'));
    execFileSync('git', ['apply', t.patch], { cwd });
  }
  try {
    const seeds = SEEDS.split('-').map(Number);
    const timeout = 2 * CAP * 1000 * ((seeds[1] ?? seeds[0]!) - seeds[0]! + 1) + 60_000;
    const r = spawnSync('nice', ['-n', '19', process.execPath, '--import', 'tsx', 'bench/fuzz-hunt.ts', '--kernel', t.kernel, '--seeds', SEEDS, '--cap', String(CAP)], { cwd, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`${t.name}: the hunt exited ${r.status ?? r.signal}`);
    return JSON.parse(r.stdout) as { fuzz: Hunt[]; explore: Hunt[] };
  } finally {
    if (t.patch) rmSync(cwd, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** The medians of one hunter's seeds: a miss counts as past the cap, so a median that lands on
 * one is "> CAP s". */
function cell(hs: Hunt[], unit: 'worlds' | 'schedules') {
  const found = hs.filter((h) => h.found);
  const sec = median(hs.map((h) => (h.found ? h.seconds : Infinity)));
  const n = median(hs.map((h) => (h.found ? h[unit]! : Infinity)));
  const oracles = [...new Set(found.map((h) => h.oracle))].join(', ');
  return { found: `${found.length}/${hs.length}`, medianSeconds: Number.isFinite(sec) ? Number(sec.toFixed(2)) : `> ${CAP} s`, [`median${unit[0]!.toUpperCase()}${unit.slice(1)}`]: Number.isFinite(n) ? n : `> cap`, oracles, seconds: hs.map((h) => (h.found ? Number(h.seconds.toFixed(2)) : `>${CAP}`)) };
}

export const section: BenchSection = {
  name: 'fuzz',
  async run() {
    const rows: Record<string, unknown> = {};
    for (const t of targets()) {
      const h = hunt(t);
      rows[t.name] = { kernel: t.kernel, ...(t.oracle ? { patchOracle: t.oracle } : {}), fuzz: cell(h.fuzz, 'worlds'), explore: cell(h.explore, 'schedules') };
      console.log(`${t.name}: ${JSON.stringify(rows[t.name])}`);
    }
    return { seeds: SEEDS, capSeconds: CAP, rows };
  },
};
