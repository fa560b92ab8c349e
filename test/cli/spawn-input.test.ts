// A scenario's clone and fork steps, refused as a user meets them: `svmsim run --scenario FILE`
// and `explore` throw BadInput naming the field before any work; the CLI exits 2 with that one line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInput } from '../../src/errors.ts';
import { register as registerRun } from '../../src/cli/commands/run.ts';
import { register as registerExplore } from '../../src/cli/commands/explore.ts';
import { refusedBy, svmsim } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'svmsim-spawn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, a: unknown[], b: unknown[] = [{ op: 'exit' }]) => {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, devices: ['d0'], processes: [{ name: 'A', steps: a }, { name: 'B', steps: b }] }));
  return path;
};
const open = { op: 'open', file: 'f', device: 'd0' };

describe('clone and fork through the CLI', () => {
  it.each([
    ['unknown', [{ op: 'clone', task: 'T' }, { op: 'exit' }], undefined, /processes\[0\]\.steps\[0\]\.task: unknown process 'T' \(valid: A, B\)$/],
    ['self', [{ op: 'fork', task: 'A' }, { op: 'exit' }], undefined, /processes\[0\]\.steps\[0\]\.task: process 'A' cannot fork itself$/],
    ['twice', [{ op: 'fork', task: 'B' }, { op: 'clone', task: 'B' }, { op: 'exit' }], undefined, /processes\[0\]\.steps\[1\]\.task: process 'B' is started twice/],
    ['after-exit', [{ op: 'exit' }, { op: 'fork', task: 'B' }], undefined, /processes\[0\]\.steps\[1\]: a step after exit$/],
    ['shared-use', [open, { op: 'bind', file: 'f' }, { op: 'clone', task: 'B' }, { op: 'unbind', file: 'f' }, { op: 'exit' }], [{ op: 'dma', file: 'f', addr: 1 }, { op: 'exit' }], /processes\[1\]\.steps\[0\]\.file: file 'f' is used by both 'A' and 'B'/],
  ])('%s: run and explore refuse it, naming the field', async (name, a, b, message) => {
    const path = file(name, a, b);
    for (const [register, cmd] of [[registerRun, 'run'], [registerExplore, 'explore']] as const) {
      const e = await refusedBy(register, cmd, ['--scenario', path, '--kernel', 'fixed']);
      expect(e, cmd).toBeInstanceOf(BadInput);
      expect((e as Error).message).toMatch(message);
    }
  });

  it('exit 2 and one line on stderr', () => {
    const r = svmsim(['run', '--scenario', file('cli', [{ op: 'clone', task: 'A' }, { op: 'exit' }]), '--kernel', 'fixed']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^svmsim: .*cli\.json: processes\[0\]\.steps\[0\]\.task: process 'A' cannot clone itself\n$/);
    expect(r.stdout).toBe('');
  });
});
