// Every `svmsim <command>` and `--flag` the docs show exists in the CLI's --help
// (`node bin/svmsim.js <command> --help`, run once per command); the scenario list in
// scenarios/README.md is the CLI's own; the guide's complete example scenario runs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProblems, helpCommands, helpFlags, segmentUse, usesIn, type Use } from './cli-usage.ts';
import { docFiles } from './links.ts';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const svmsim = async (...args: string[]) => (await run('node', ['bin/svmsim.js', ...args], { cwd: root, encoding: 'utf8' })).stdout;

let commands: Set<string>;
const helps = new Map<string, Set<string>>();
const helpTexts = new Map<string, string>();
let uses: Use[];

beforeAll(async () => {
  const top = await svmsim('--help');
  commands = helpCommands(top);
  helps.set('', helpFlags(top));
  uses = docFiles(root).flatMap((f) => usesIn(root, f, commands));
  const texts = await Promise.all([...commands].map((c) => svmsim(c, '--help')));
  [...commands].forEach((c, i) => {
    helps.set(c, helpFlags(texts[i]));
    helpTexts.set(c, texts[i]);
  });
}, 60_000);

describe('the CLI the docs show', () => {
  it('reads the commands from svmsim --help, and the docs show every one of them', () => {
    expect([...commands]).toEqual(expect.arrayContaining(['run', 'explore', 'replay', 'report', 'merge', 'worker']));
    const shown = new Set(uses.flatMap((u) => u.commands));
    expect([...commands].filter((c) => !shown.has(c))).toEqual([]);
    expect(uses.filter((u) => u.flags.length).length).toBeGreaterThan(100);
  });

  it('every command and flag in the docs is in the --help of its command', () => {
    expect(cliProblems(uses, commands, helps)).toEqual([]);
  });

  it("docs/reference/cli.md holds every command's --help as the CLI prints it", () => {
    const page = readFileSync(join(root, 'docs/reference/cli.md'), 'utf8');
    const stale = [...commands].filter((c) => !page.includes('```\n' + helpTexts.get(c)!.trimEnd() + '\n```'));
    expect(stale).toEqual([]);
  });

  it('catches a command or flag the CLI does not have', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-docs-cli-'));
    try {
      writeFileSync(join(dir, 'a.md'), [
        '# A', '',
        '```sh', 'svmsim frobnicate --kernel fixed', 'svmsim run --kernel fixed --no-such-flag', 'npm ci --prefix tools/extractor', '```', '',
        'Use `explore --jobs 2 --shardz 1/2`, or `--nowhere`, not `svmsim run|explore --faults none`.', '',
      ].join('\n'));
      const found = cliProblems(usesIn(dir, 'a.md', commands), commands, helps);
      expect(found).toHaveLength(4);
      expect(found.join('\n')).toMatch(/a\.md:4: .*no command 'frobnicate'/);
      expect(found.join('\n')).toMatch(/a\.md:5: .*--no-such-flag is not in the --help of svmsim run/);
      expect(found.join('\n')).toMatch(/a\.md:9: .*--shardz is not in the --help of svmsim explore/);
      expect(found.join('\n')).toMatch(/a\.md:9: .*--nowhere is not in the --help of any command/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a shell line as the programs it runs', () => {
    const names = new Set(['run', 'explore']);
    expect(segmentUse('npx stryker run --mutate machines/vma.ts', names, false)).toBeNull();
    expect(segmentUse('node bin/svmsim.js run --kernel pre-fix', names, false)).toEqual({ commands: ['run'], flags: ['--kernel'] });
    expect(segmentUse('svmsim run|explore --faults none', names, true)).toEqual({ commands: ['run', 'explore'], flags: ['--faults'] });
    expect(segmentUse('explore --out/--report', names, true)).toEqual({ commands: ['explore'], flags: ['--out', '--report'] });
    expect(segmentUse('run', names, true)).toBeNull();
  });
});

describe('scenarios/README.md', () => {
  it('lists every built-in scenario svmsim scenarios knows, and no other', async () => {
    const builtIn = (JSON.parse(await svmsim('scenarios', '--json')) as { name: string }[]).map((s) => s.name).sort();
    const listed = [...readFileSync(join(root, 'scenarios/README.md'), 'utf8').matchAll(/^\| \[?`([a-z0-9-]+)`/gm)].map((m) => m[1]).sort();
    expect(builtIn.length).toBeGreaterThan(20);
    expect(listed).toEqual(builtIn);
  });
});

describe("the scenario guide's complete example", () => {
  const dir = mkdtempSync(join(tmpdir(), 'svmsim-docs-scenario-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has faults and after, and runs as it says', async () => {
    const page = readFileSync(join(root, 'docs/guide/scenarios.md'), 'utf8');
    const json = /```json\n([\s\S]*?)\n```/.exec(page)?.[1] ?? '';
    const scenario = JSON.parse(json) as { faults?: unknown[]; processes: { steps: { after?: string }[] }[] };
    expect(scenario.faults?.length).toBeGreaterThan(0);
    expect(scenario.processes.flatMap((p) => p.steps).some((s) => s.after === 'A.exit')).toBe(true);
    const file = join(dir, 'my-timeout-reuse.json');
    writeFileSync(file, json);
    const out = JSON.parse(await svmsim('run', '--scenario', file, '--kernel', 'fixed', '--transport', 'inline', '--json')) as { scenario: string; violations: unknown[] };
    expect(out.scenario).toBe('my-timeout-reuse');
    expect(out.violations).toEqual([]);
  });
});
