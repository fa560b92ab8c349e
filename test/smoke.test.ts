import { describe, expect, it } from 'vitest';
import { variantByName } from '../src/variants/variants.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { simulate } from '../src/simulate.ts';
import { inlineTransport } from '../src/runtime/inline.ts';
import { fifo } from '../src/scheduler/fifo.ts';

describe('smoke', () => {
  it('pre-fix exit-with-mmap leaks, fixed does not', async () => {
    const sc = loadScenario('exit-with-mmap');
    const pre = await simulate({ scenario: sc, variant: variantByName('pre-fix'), strategy: fifo(), transport: inlineTransport() });
    const fix = await simulate({ scenario: sc, variant: variantByName('fixed'), strategy: fifo(), transport: inlineTransport() });
    expect(pre.violations.map((v) => v.oracle)).toEqual(['leak']);
    expect(fix.violations).toEqual([]);
  });
});
