// history and bisect as a user runs them: bad names are one line and exit 2 before any work; a
// user's scenario file works as a built-in does; --json, and --html with its trace viewer pages;
// --jobs 2 prints, writes and opens the same as --jobs 1 but for the seconds, and a signal ends
// it with every thread and its scratch folder.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../src/cli/commands/history.ts';
import { BadInput } from '../../src/errors.ts';
import { BIN, refusedBy, svmsim } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'svmsim-history-cli-'));
// A user's copy of the non-canonical world, under a name of its own.
const mine = join(dir, 'mine.json');
const builtin = JSON.parse(readFileSync(new URL('../../scenarios/dma-noncanonical.json', import.meta.url), 'utf8')) as Record<string, unknown>;
writeFileSync(mine, JSON.stringify({ ...builtin, name: 'mine' }));

/** The seconds a run took (`0.42 s`, `"seconds":0.42`): what --jobs may change, and nothing else. */
const timeless = (text: string) => text.replace(/"seconds":[\d.]+/g, '"seconds":0').replace(/\d+\.\d+ s\b/g, 'N s');
/** Every file under `root`, by its path below it, with its text. */
const tree = (root: string, at = ''): Record<string, string> =>
  Object.fromEntries(readdirSync(join(root, at), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? Object.entries(tree(root, join(at, d.name))) : [[join(at, d.name), readFileSync(join(root, at, d.name), 'utf8')]])));

describe('svmsim history and bisect', { timeout: 90_000 }, () => {
  it('an unknown scenario or oracle (a variant: test/scenario/validate.test.ts): one line naming the valid ones, exit 2', () => {
    const scen = svmsim(['history', '-s', 'nope']);
    expect(scen.code).toBe(2);
    expect(scen.stderr).toMatch(/^svmsim: unknown scenario 'nope' \(valid: bind-after-exit, .*dma-noncanonical, .*\)\n$/);
    const orc = svmsim(['bisect', '-s', 'dma-noncanonical', '--oracle', 'leaks']);
    expect(orc.code).toBe(2);
    expect(orc.stderr).toBe("svmsim: unknown oracle 'leaks' (valid: leak, use-after-free, dma-freed, isolation, invariant, stuck, dropped, dangling, refcount, page-response, livelock)\n");
  });

  it.each([
    ['0', "--jobs must be an integer >= 1, got '0'"],
    ['abc', "--jobs must be an integer >= 1, got 'abc'"],
    [String(2 * availableParallelism() + 1), `--jobs ${2 * availableParallelism() + 1}: at most ${2 * availableParallelism()} on this machine (2 per core, ${availableParallelism()} core(s) by os.availableParallelism()); each job has its own transport`],
  ])('--jobs %s: refused before any work, in one line', async (jobs, message) => {
    const page = join(dir, `refused-${jobs}.html`);
    const e = await refusedBy(register, 'history', ['-s', mine, '--jobs', jobs, '--html', page]);
    expect(e).toBeInstanceOf(BadInput);
    expect((e as Error).message).toBe(message);
    expect(existsSync(page)).toBe(false);
  });

  it('--jobs abc from the command line: exit 2 and the one line, not a matrix of every built-in first', () => {
    const r = svmsim(['history', '--jobs', 'abc']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "svmsim: --jobs must be an integer >= 1, got 'abc'\n" });
  });

  it('--jobs 2: the matrix, its JSON, the page and its trace viewer pages are --jobs 1\'s but for the seconds', () => {
    // pre-fix -> fixed adds three hunks: its responsible hunk is searched for on the pool too.
    const args = ['history', '-s', mine, '-s', 'unbind-alive', '--kernels', 'pre-fix,fixed,v4.14,v5.7'];
    const run = (jobs: string) => {
      const at = join(dir, `jobs-${jobs}`);
      mkdirSync(at, { recursive: true });
      const r = svmsim([...args, '--jobs', jobs, '--json', '--html', join(at, 'h.html'), '--out', join(at, 'cells')]);
      expect(r.code).toBe(0);
      const same = (t: string) => timeless(t).replaceAll(at, 'AT');
      // The text matrix is matrixText of this JSON's matrix.
      return { json: same(r.stdout), files: Object.fromEntries(Object.entries(tree(at)).map(([f, t]) => [f, same(t)])) };
    };
    const one = run('1');
    const two = run('2');
    expect(JSON.parse(one.json).rows[0].changes[0]).toMatchObject({ from: 'pre-fix', to: 'fixed', responsible: { id: 'mmCountOnly' } });
    // The page, each cell's trace viewer page and each counterexample, shrunk.
    expect(Object.keys(one.files)).toEqual(expect.arrayContaining(['h.html', join('h.html.cells', 'pre-fix', 'mine.html'), join('cells', 'v4.14-9d8c3af31607', 'mine', 'refcount.json')]));
    expect(two).toEqual(one);
  });

  it.each(['1', '2'])('SIGTERM with --jobs %s: the threads stop, the scratch folder is removed, exit 143', async (jobs) => {
    const tmp = mkdtempSync(join(dir, 'tmp-'));
    const page = join(dir, `killed-${jobs}.html`);
    const child = spawn(process.execPath, [BIN, 'history', '--jobs', jobs, '--html', page], { env: { ...process.env, TMPDIR: tmp } });
    let stderr = '';
    // The first cell judged: the pool's threads are up and the scratch folder is there.
    await new Promise<void>((ok) => child.stderr.on('data', (d) => (stderr += String(d)).includes(' on ') && ok()));
    expect(readdirSync(tmp).filter((f) => f.startsWith('svmsim-history-'))).toHaveLength(1);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((ok) => child.on('exit', ok));
    expect(code).toBe(143);
    expect(stderr).toMatch(/^ {2}\S+ on \S+: [\w,]+ \(\d+\.\d+ s\)\n(.*\n)*svmsim: SIGTERM: quitting; the matrix is not printed \(a second signal quits at once\)\n$/);
    expect(readdirSync(tmp)).toEqual([]);
    expect(existsSync(page)).toBe(false);
  });

  it('history of a user file: --json cells and changes, --html a page whose cells open trace viewer pages', () => {
    const page = join(dir, 'h.html');
    const r = svmsim(['history', '-s', mine, '--kernels', 'fixed,v4.14-9d8c3af31607,v5.7', '--json', '--html', page]);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout) as { rows: { scenario: string; cells: { oracles: string[] }[]; changes: { to: string; responsible: { id: string } }[] }[] };
    expect(m.rows[0]!.scenario).toBe('mine');
    expect(m.rows[0]!.cells.map((c) => c.oracles)).toEqual([[], ['leak', 'refcount'], []]);
    expect(m.rows[0]!.changes.map((c) => [c.to, c.responsible.id])).toEqual([['v4.14-9d8c3af31607', 'canonicalCheck'], ['v5.7-902baf61adf6', 'canonicalFirst']]);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('data-src="h.html.cells/v4.14-9d8c3af31607/mine.html"');
    expect(html).toContain('+9d8c3af31607 canonicalCheck');
    expect(existsSync(join(dir, 'h.html.cells', 'v4.14-9d8c3af31607', 'mine.html'))).toBe(true);
    expect(existsSync(join(dir, 'h.html.cells', 'fixed'))).toBe(false);
  });

  it('bisect a user file: the first variant, its hunk, the counterexample before and the clean search after', () => {
    const out = join(dir, 'b');
    const r = svmsim(['bisect', '-s', mine, '--from', 'v4.14-9d8c3af31607', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/first variant with the new verdict: v5.7-902baf61adf6 \(v5.7 902baf61adf6\)/);
    expect(r.stdout).toMatch(/the hunk responsible: canonicalFirst: prq_event_thread: .*\n\s+\[902baf61adf6 v5.7 "iommu\/vt-d: Fix mm reference leak"\]/);
    expect(r.stdout).toContain(`counterexample leak: ${join(out, 'v4.19-4fa064b26c2e', 'mine', 'leak.json')}`);
    expect(r.stdout).toMatch(/after {3}v5.7-902baf61adf6: clean — dfs exhausted: \d+ states/);
  });
});
