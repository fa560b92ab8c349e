// Each violation's counterexample file replayed (inline: the same trace as any transport), for the
// exploration report's trace viewers: one entry per violation, in order, the run or why there is
// none (no file kept, or it no longer replays: said on the page, not a failure).
import type { ExploreResult } from './result.ts';
import { replayScheduleFile } from './replay-file.ts';
import type { RunInput } from './run-input.ts';

/** A counterexample's run, named for a page's header, or why there is none. */
export type Counterexample = { input: RunInput & { scenario: string; kernel: string } } | { error: string };

export async function replayCounterexamples(r: ExploreResult): Promise<Counterexample[]> {
  const out: Counterexample[] = [];
  for (const v of r.violations) {
    if (!v.file) {
      out.push({ error: 'no counterexample file kept' });
      continue;
    }
    try {
      const { file, result } = await replayScheduleFile(v.file, 'inline');
      out.push({ input: { ...result, scenario: file.scenario.name, kernel: file.kernel, strategy: `replay of ${v.file}`, transport: 'inline' } });
    } catch (e) {
      out.push({ error: `${v.file}: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  return out;
}
