// Bad-input lines that say what the user gave and what to give (issue 29 F22): a huge step index
// echoed as written, one message per field, and a step-limit hint that fits the limit given.
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/load.ts';
import { moreStepsHint } from '../../src/scenario/max-steps.ts';

const withFault = (budget: number) => ({ ...loadScenario('exit-with-mmap'), faults: [{ kind: 'device-timeout', device: 'accel0', budget }] });

describe('bad-input messages', () => {
  it('an after step index past 2^53 is echoed as written, not rounded', () => {
    const s = structuredClone(loadScenario('bind-after-exit')) as { processes: { steps: { after?: string }[] }[] };
    s.processes[1]!.steps[0]!.after = 'A.99999999999999999999';
    expect(() => parseScenario(s, 'w')).toThrow(/has no step 99999999999999999999 \(it has \d+\)$/);
  });
  it('a huge budget gets one message, its range (1..16)', () => {
    expect(() => parseScenario(withFault(1e20), 'w')).toThrow(/^w: faults\[0\]\.budget: Too big: expected number to be <=16$/);
  });
  it('the step-limit hint: the default below it, four times the limit from it', () => {
    expect(moreStepsHint(1)).toBe('leave --max-steps out (the default is 2000, or 40 per scenario step for a bigger world)');
    expect(moreStepsHint(2000)).toBe('try --max-steps 8000');
  });
});
