// The live line while an exploration runs: schedules/s, distinct end states, oracles fired,
// statechart coverage. On stderr, and only when it is a terminal (CI logs stay clean).
import cliProgress from 'cli-progress';
import type { OracleName } from '../oracles/types.ts';
import { CoverageRecorder } from './coverage.ts';
import type { ProgressTick } from './options.ts';

export class Progress {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly t0 = performance.now();
  private schedules = 0;
  private readonly endStates = new Set<string>();
  private readonly oracles = new Set<OracleName>();
  private readonly coverage = new CoverageRecorder();

  /** `total`: schedules, or null when the search decides (dfs, --time). */
  constructor(
    private readonly total: number | null,
    private readonly kinds: string[],
    enabled = !!process.stderr.isTTY,
  ) {
    this.bar = enabled
      ? new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${total ? '{bar} {percentage}% | ' : ''}{value} schedules | {rate}/s | {ends} end states | {oracles} | coverage {cov}`,
            hideCursor: true,
            clearOnComplete: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar?.start(total ?? 0, 0, this.payload());
  }

  private payload() {
    const s = this.coverage.summary(this.kinds);
    const secs = (performance.now() - this.t0) / 1000;
    return {
      rate: secs > 0 ? Math.round(this.schedules / secs) : 0,
      ends: this.endStates.size,
      oracles: this.oracles.size ? `violations: ${[...this.oracles].join(', ')}` : 'no violation',
      cov: `${s.states.visited}/${s.states.total} states, ${s.transitions.visited}/${s.transitions.total} transitions`,
    };
  }

  tick(p: ProgressTick): void {
    this.schedules += p.schedules;
    for (const h of p.endStates) this.endStates.add(h);
    for (const o of p.oracles) this.oracles.add(o);
    this.coverage.add(p.coverage);
    if (this.bar && !this.total) this.bar.setTotal(this.schedules);
    this.bar?.update(this.schedules, this.payload());
  }

  stop(): void {
    this.bar?.stop();
  }
}
