// Before `svmsim merge` adds summaries up: are they shares of one exploration? Each must say which
// run and share it is (format 2), and together they must be one split, once each, of the same
// search: the same kernel, world, strategy, seed and dfs reduction. Anything else is refused with
// the reason (exit 2): adding up the same shard twice, or a stateful shard and a dpor one, would
// count schedules twice or call a space exhausted that was not.
import { BadInput } from '../variants/variants.ts';
import type { ExploreResult, Part } from './result.ts';

export interface Input {
  /** The folder it was read from, to name in messages. */
  dir: string;
  result: ExploreResult;
}

/** The settings that make two runs the same search (a share of one space each). */
const SAME: ((r: ExploreResult) => [string, unknown])[] = [
  (r) => ['kernel', r.kernel],
  (r) => ['scenario', r.scenario],
  (r) => ['strategy', r.strategy],
  (r) => ['seed', r.seed],
  (r) => ['pct depth', r.depth],
  (r) => ['preemption bound', r.preemptionBound],
  (r) => ['dfs reduction', r.dfs?.reduction],
  (r) => ['reorder', r.reorder],
  (r) => ['max-steps', r.maxSteps],
];

const show = (v: unknown) => (v === undefined ? 'none' : `'${String(v)}'`);

export function checkShares(inputs: Input[]): void {
  for (const { dir, result } of inputs) {
    if (result.format < 2 || !result.run || !result.parts?.length) {
      throw new BadInput(`${dir}/summary.json is from an older svmsim (format ${result.format}): it does not say which run and share it is, so it cannot be merged safely; run that shard again`);
    }
  }
  const [first, ...rest] = inputs;
  for (const other of rest) {
    for (const key of SAME) {
      const [what, a] = key(first!.result);
      const [, b] = key(other.result);
      if (a !== b) throw new BadInput(`cannot merge explorations with different ${what}: ${show(a)} (${first!.dir}) and ${show(b)} (${other.dir})`);
    }
  }
  checkSplit(inputs.flatMap(({ dir, result }) => result.parts!.map((p) => ({ ...p, dir }))));
}

/** Shares of one split, each once: one n, one --jobs, no shard or run twice. */
function checkSplit(parts: (Part & { dir: string })[]): void {
  const [first] = parts;
  const n = (p: Part) => p.shard.split('/')[1];
  const byShard = new Map<string, Part & { dir: string }>();
  const byRun = new Map<string, Part & { dir: string }>();
  for (const p of parts) {
    if (n(p) !== n(first!)) throw new BadInput(`cannot merge shards of different splits: ${first!.shard} (${first!.dir}) and ${p.shard} (${p.dir}): every shard must be k/${n(first!)}`);
    if (p.jobs !== first!.jobs) {
      throw new BadInput(`cannot merge shards run with different --jobs: ${first!.jobs} (${first!.dir}) and ${p.jobs} (${p.dir}): the jobs deal out each shard's share, so the shares would overlap and leave gaps`);
    }
    const run = byRun.get(p.run);
    if (run) throw new BadInput(`cannot merge run ${p.run} twice (${run.dir} and ${p.dir}): its schedules would be counted twice`);
    const twin = byShard.get(p.shard);
    if (twin) throw new BadInput(`cannot merge shard ${p.shard} twice (run ${twin.run} in ${twin.dir}, run ${p.run} in ${p.dir}): its schedules would be counted twice`);
    byRun.set(p.run, p);
    byShard.set(p.shard, p);
  }
}
