// Hand-written, kernel-plausible mutants of the machines (test/mutation/patches/*.patch): each is
// applied to a copy of the project and explored by the mutation runner; an oracle must fire, the
// one the patch names. No count is compared: this is what catches a user's own bug.
import { describe, expect, it } from 'vitest';
import { mutants, runMutant } from './copy.ts';

const all = mutants();

describe('hand-written mutants', () => {
  it('there are at least ten, each naming its oracle and scenario', () => {
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const m of all) expect([m.oracle, m.scenario].every(Boolean)).toBe(true);
  });

  // The control: the same runner on the unpatched model finds nothing, on every built-in.
  it('the unpatched model survives the runner', () => {
    const r = runMutant(null);
    expect(r.out).toMatch(/^survived/m);
    expect(r.code).toBe(0);
  }, 120_000);

  it.each(all.map((m) => [m.name, m] as const))('%s is killed', (_name, m) => {
    const r = runMutant(m);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain(`killed: [${m.oracle}] ${m.scenario}`);
  }, 120_000);
});
