// Transition coverage as a goal: the transitions no run took, from explore's coverage data and
// from `svmsim explore --coverage-report`.
import { describe, expect, it } from 'vitest';
import { machineItems, untaken, untakenText } from '../../src/explore/coverage.ts';
import { explore } from '../../src/explore/explore.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { machines } from '../../machines/index.ts';
import { svmsim } from '../cli/cli.ts';

describe('untaken transitions', () => {
  it('with no run, every transition of the machine; each one taken leaves the list', () => {
    const all = machineItems(machines.vma!).transitions;
    expect(untaken({}, ['vma'])).toEqual({ vma: all });
    expect(untaken({ vma: { states: [], transitions: all.slice(1) } }, ['vma'])).toEqual({ vma: all.slice(0, 1) });
    expect(untaken({ vma: { states: [], transitions: all } }, ['vma'])).toEqual({});
    expect(untakenText({})).toMatch(/none/);
    expect(untakenText({ vma: ['vma.x:y#0'] })).toBe('untaken transitions (1):\n  vma           vma.x:y#0');
  });

  it('a scenario without an unbind ioctl leaves the unbind path untaken, and takes the bind', async () => {
    const r = await explore({ scenario: loadScenario('munmap-close-alive'), variant: variantByName('fixed'), strategy: 'random', schedules: 3, seed: 1, maxSteps: 2000, transport: 'inline', reorder: false });
    const u = untaken(r.coverage, ['file']);
    expect(u.file).toContain('file.open.idle:ioctl_unbind#0');
    expect(u.file).not.toContain('file.open.idle:ioctl_bind#0');
    // two-devices unbinds by ioctl: that transition is taken there.
    const t = await explore({ scenario: loadScenario('two-devices'), variant: variantByName('fixed'), strategy: 'random', schedules: 1, seed: 1, maxSteps: 3000, transport: 'inline', reorder: false });
    expect(untaken(t.coverage, ['file']).file ?? []).not.toContain('file.open.idle:ioctl_unbind#0');
  });

  it('explore --coverage-report lists them after the summary; --json has them as `untaken`', () => {
    const args = ['explore', '--scenario', 'munmap-close-alive', '--kernel', 'fixed', '--strategy', 'random', '--schedules', '2', '--coverage-report'];
    const text = svmsim(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^untaken transitions \(\d+\):\n(  \S+ +\S+\n?)+$/m);
    expect(text.stdout).toContain('  file          file.open.idle:ioctl_unbind#0');
    const json = JSON.parse(svmsim([...args, '--json']).stdout);
    expect(json.untaken.file).toContain('file.open.idle:ioctl_unbind#0');
    expect(JSON.parse(svmsim(args.slice(0, -1).concat('--json')).stdout).untaken).toBeUndefined();
  });
});
