// An exploration that fails still leaves its summary: rebuilt from its progress ticks and the
// counterexamples it had written (this run's only), marked with the error.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { partialResult, Ticks, type Head } from '../../src/explore/partial.ts';
import { summarize, summaryText } from '../../src/explore/summary.ts';

const head: Head = { kernel: 'pre-fix', scenario: 'exit-with-mmap', strategy: 'random', transport: 'workers', seed: 0, reorder: false, maxSteps: 2000, jobs: 2, shard: '1/1', run: 'R1' };

describe('partialResult', () => {
  it('keeps the schedules, end states, oracles and this run\'s counterexample files', () => {
    const out = mkdtempSync(join(tmpdir(), 'svmsim-partial-'));
    const violation = { oracle: 'leak', message: 'kmemleak: 11 unreferenced objects', step: 98 };
    writeFileSync(join(out, 'leak.json'), JSON.stringify({ run: 'R1', schedule: 3, seed: 3, violation, deliveries: 99, preemptions: 0 }));
    writeFileSync(join(out, 'stuck.json'), JSON.stringify({ run: 'R0', schedule: 1, seed: 1, violation: { oracle: 'stuck', message: 'old', step: 1 } }));
    const t = new Ticks();
    t.add({ schedules: 4, endStates: ['h1'], oracles: ['leak'], coverage: {} });
    t.add({ schedules: 3, endStates: ['h1', 'h2'], oracles: ['stuck'], coverage: {} });
    const r = partialResult(head, t, 'WorkerGone: not started within 60000 ms', out);
    expect(r).toMatchObject({ format: 2, run: 'R1', parts: [{ run: 'R1', shard: '1/1', jobs: 2 }], error: 'WorkerGone: not started within 60000 ms', schedules: 7, interrupted: true, endStates: ['h1', 'h2'] });
    expect(r.violations).toEqual([
      { oracle: 'leak', count: 1, schedule: 3, seed: 3, violation, file: join(out, 'leak.json'), deliveries: 99, preemptions: 0 },
      // stuck.json is another run's: not taken as this one's counterexample.
      { oracle: 'stuck', count: 1, schedule: 0, seed: 0, violation: { oracle: 'stuck', message: '(the exploration failed before it was recorded)', step: 0 } },
    ]);
    expect(summaryText(summarize(r))).toMatch(/^svmsim explore: .*\nFAILED: WorkerGone: not started within 60000 ms \(what follows is what it had found by then\)\nschedules: 7 in/);
  });
});
