// `svmsim play` as a user starts it: bad input is one line and exit 2 before any server starts.
// (The page, the server and a played leak in Chromium: test/cli/play-browser.test.ts.)
import { describe, expect, it } from 'vitest';
import { svmsim } from './cli.ts';

describe('svmsim play', () => {
  it('an unknown kernel, or a --from file that is not a schedule, is exit 2 with one line', () => {
    const k = svmsim(['play', '--kernel', 'nope', '--no-open']);
    expect(k.code).toBe(2);
    expect(k.stderr).toMatch(/^svmsim: unknown kernel variant 'nope' \(valid: .*\)\n$/);
    const f = svmsim(['play', '--from', 'package.json', '--no-open']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/^svmsim: package\.json: .*\n$/);
    expect(f.stdout + k.stdout).not.toContain('play: open');
  });
});
