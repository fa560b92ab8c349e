// Never lose an exploration (issue 14), as a user meets it: bad output paths refused before any
// work, signals that stop and write everything, a folder claimed by one run, stdout that fails,
// seeds and jobs out of range, and files of the wrong kind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, oneLine, signalled, svmsim } from './cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'svmsim-reliability-'));
const json = (s: string) => JSON.parse(s) as Record<string, any>;
const read = (f: string) => json(readFileSync(f, 'utf8'));
const aFile = join(dir, 'a-file');
writeFileSync(aFile, 'x\n');

describe('every output path is checked before the work starts (exit 2, one line)', { timeout: 120_000 }, () => {
  it.each([
    ['explore --out FILE', ['explore', '--kernel', 'fixed', '--time', '30', '--out', aFile], /^svmsim: --out .*a-file: a file is there, not a folder\n$/],
    ['explore --out FILE/sub', ['explore', '--kernel', 'fixed', '--time', '30', '--out', join(aFile, 'sub')], /^svmsim: --out .*a-file\/sub: a file is in the way, where a folder should be \(ENOTDIR\)\n$/],
    ['explore --report DIR', ['explore', '--kernel', 'fixed', '--time', '30', '--report', dir], /^svmsim: --report .*: is a folder, not a file\n$/],
    ['explore --out ""', ['explore', '--out', ''], /^svmsim: --out needs a folder, got ''\n$/],
    ['merge --out FILE', ['merge', dir, '--out', aFile], /^svmsim: --out .*a-file: a file is there, not a folder\n$/],
    ['charts --out FILE', ['charts', '--out', aFile], /^svmsim: --out .*a-file: a file is there, not a folder\n$/],
    ['report -o DIR', ['report', aFile, '-o', dir], /^svmsim: --out .*: is a folder, not a file\n$/],
    ['demo --out FILE', ['demo', '--out', aFile], /^svmsim: --out .*a-file: a file is there, not a folder\n$/],
    ['run --mermaid FILE/x', ['run', '--transport', 'inline', '--mermaid', join(aFile, 'x.mmd')], /^svmsim: --mermaid .*: a file is in the way/],
  ])('%s', (_what, args, message) => {
    const t0 = Date.now();
    const r = svmsim(args);
    oneLine(r, message);
    expect(r.stdout).toBe('');
    // --time 30 would have run for 30 s: refused before it began.
    expect(Date.now() - t0).toBeLessThan(25_000);
  });
});

describe('a search that cannot run is refused before it claims --out (issue 29 F14)', () => {
  it('dfs with a worker fault: one line, exit 2, nothing on stdout, no folder', () => {
    const out = join(dir, 'dfs-worker-crash');
    const r = svmsim(['explore', '--kernel', 'fixed', '--strategy', 'dfs', '--faults', 'worker-crash', '--transport', 'inline', '--out', out]);
    oneLine(r, /^svmsim: --faults worker-crash: a worker fault ends its run, so it needs a strategy that runs schedules from the start: random or pct\n$/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});

describe('signals stop an exploration and keep everything it found', { timeout: 120_000 }, () => {
  it.each([
    ['SIGTERM', 143, ['--transport', 'workers']],
    ['SIGHUP', 129, ['--jobs', '2']],
    ['SIGINT', 130, ['--transport', 'workers', '--jobs', '2']],
  ] as const)('%s: exit %i, summary.json written and marked interrupted (%j)', async (signal, exit, extra) => {
    const out = join(dir, `signal-${signal}`);
    const r = await signalled(['explore', '--kernel', 'pre-fix', '--strategy', 'random', '--time', '60', '--out', out, '--json', ...extra], signal, join(out, 'leak.json'));
    expect(r.code).toBe(exit);
    expect(r.stderr).toMatch(new RegExp(`svmsim: ${signal}: stopping after the current schedule`));
    expect(json(r.stdout)).toMatchObject({ interrupted: true });
    const summary = read(join(out, 'summary.json'));
    expect(summary).toMatchObject({ interrupted: true, run: expect.any(String) });
    // Every pre-fix schedule leaks: the find written before the signal is in the summary.
    expect(summary.schedules).toBeGreaterThan(0);
    expect(read(join(out, 'leak.json')).run).toBe(summary.run);
    expect(summary.violations).toMatchObject([{ oracle: 'leak' }]);
    expect(existsSync(join(out, '.svmsim.lock'))).toBe(false);
  });
});

describe('a run claims its --out folder', { timeout: 120_000 }, () => {
  const explore = (out: string) => svmsim(['explore', '--kernel', 'pre-fix', '--strategy', 'random', '--schedules', '4', '--no-shrink', '--out', out]);

  it('refuses a folder that a live run holds (exit 2), and takes one whose run is dead', () => {
    const out = join(dir, 'locked');
    mkdirSync(out, { recursive: true });
    // This test's own process is alive: its "run" holds the folder.
    writeFileSync(join(out, '.svmsim.lock'), JSON.stringify({ pid: process.pid, run: 'R-live', started: 'then' }));
    oneLine(explore(out), /^svmsim: --out .*locked is in use by run R-live \(pid \d+, started then\): wait for it to end, or give another folder\n$/);
    expect(readdirSync(out)).toEqual(['.svmsim.lock']);
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    writeFileSync(join(out, '.svmsim.lock'), JSON.stringify({ pid: dead, run: 'R-dead', started: 'then' }));
    expect(explore(out).code).toBe(1);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(existsSync(join(out, '.svmsim.lock'))).toBe(false);
  });

  it('every file carries the run id; an earlier run\'s files are moved apart, never mixed', () => {
    const out = join(dir, 'twice');
    expect(explore(out).code).toBe(1);
    const first = read(join(out, 'summary.json')).run as string;
    expect(read(join(out, 'leak.json')).run).toBe(first);
    const again = explore(out);
    expect(again.stderr).toMatch(new RegExp(`held an earlier run's files: moved to .*earlier/${first}`));
    const second = read(join(out, 'summary.json')).run as string;
    expect(second).not.toBe(first);
    expect(read(join(out, 'leak.json')).run).toBe(second);
    expect(readdirSync(join(out, 'earlier', first)).sort()).toEqual(['leak.json', 'summary.json']);
    expect(read(join(out, 'earlier', first, 'leak.json')).run).toBe(first);
  });
});

describe('merge adds up only the shares of one exploration', { timeout: 180_000 }, () => {
  const shard = (name: string, args: string[]) => {
    const out = join(dir, name);
    const r = svmsim(['explore', '--kernel', 'pre-fix', '--strategy', 'random', '--schedules', '10', '--no-shrink', '--out', out, ...args]);
    expect(r.code).toBe(1);
    return out;
  };
  it.each([
    ['the same shard twice', () => [shard('m1', ['--shard', '1/2']), shard('m1b', ['--shard', '1/2'])], /^svmsim: cannot merge shard 1\/2 twice \(run \S+ in .*m1, run \S+ in .*m1b\): its schedules would be counted twice\n$/],
    ['one folder twice', () => [join(dir, 'm1'), join(dir, 'm1')], /^svmsim: cannot merge run \S+ twice/],
    ['shards of different splits', () => [join(dir, 'm1'), shard('m23', ['--shard', '2/3'])], /^svmsim: cannot merge shards of different splits: 1\/2 \(.*m1\) and 2\/3 \(.*m23\)/],
    ['different seeds', () => [join(dir, 'm1'), shard('m2seed', ['--shard', '2/2', '--seed', '7'])], /^svmsim: cannot merge explorations with different seed: '0' \(.*m1\) and '7' \(.*m2seed\)\n$/],
    ['different --jobs', () => [join(dir, 'm1'), shard('m2jobs', ['--shard', '2/2', '--jobs', '2'])], /^svmsim: cannot merge shards run with different --jobs: 1 .* and 2 /],
  ])('refuses %s (exit 2, and why)', (_what, dirs, message) => {
    oneLine(svmsim(['merge', ...dirs()]), message);
  });

  it('refuses a stateful dfs shard with a dpor one, which it would have called exhausted', () => {
    const dfs = (k: number, reduction: string) => {
      const out = join(dir, `dfs-${reduction}-${k}`);
      expect(svmsim(['explore', '--strategy', 'dfs', '--reduction', reduction, '--kernel', 'fixed', '--scenario', 'munmap-close-alive', '--shard', `${k}/2`, '--out', out]).code).toBe(0);
      return out;
    };
    oneLine(svmsim(['merge', dfs(1, 'states'), dfs(2, 'dpor')]), /^svmsim: cannot merge explorations with different dfs reduction: 'states' .* and 'dpor' /);
  });

  it('refuses a folder whose counterexample is from another run than its summary', () => {
    const a = shard('mixA', ['--shard', '1/2']);
    const b = shard('mixB', ['--shard', '2/2']);
    writeFileSync(join(a, 'leak.json'), readFileSync(join(b, 'leak.json')));
    oneLine(svmsim(['merge', a, b]), /^svmsim: .*mixA\/leak\.json is from run \S+, but .*mixA\/summary\.json from run \S+: the folder mixes two runs\n$/);
  });

  it('refuses a summary from before run ids, saying so', () => {
    const old = join(dir, 'old');
    mkdirSync(old, { recursive: true });
    const s = read(join(dir, 'm1', 'summary.json'));
    delete s.run;
    delete s.parts;
    writeFileSync(join(old, 'summary.json'), JSON.stringify({ ...s, format: 1 }));
    oneLine(svmsim(['merge', old, join(dir, 'm1')]), /^svmsim: .*old\/summary\.json is from an older svmsim \(format 1\): it does not say which run and share it is/);
  });
});

describe('replay says what it reproduced', { timeout: 120_000 }, () => {
  const found = () => {
    const out = join(dir, 'flush');
    if (!existsSync(join(out, 'dma-freed.json'))) svmsim(['explore', '--kernel', 'fixed-no-release-flush', '--schedules', '40', '--out', out]);
    return read(join(out, 'dma-freed.json'));
  };
  const variant = (name: string, f: Record<string, unknown>) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(f));
    return p;
  };

  it('with every choice deleted: the same oracle on another object is NOT reproduced, and fifo is named', () => {
    const f = found();
    const r = svmsim(['replay', variant('nochoices.json', { ...f, choices: [] })]);
    expect(r.stdout).toMatch(/NOT reproduced: \[dma-freed\] fired, but not the recorded violation: at step \d+, not \d+; objects/);
    expect(r.stdout).toMatch(/the file records no choices: fifo decided all \d+ deliveries/);
    const j = svmsim(['replay', variant('nochoices.json', { ...f, choices: [] }), '--json']);
    expect(json(j.stdout)).toMatchObject({ reproduced: false, completedByFifo: expect.any(Number), differs: expect.arrayContaining([expect.stringMatching(/^at step/)]) });
    const same = svmsim(['replay', join(dir, 'flush', 'dma-freed.json'), '--json']);
    expect(json(same.stdout)).toMatchObject({ reproduced: true, completedByFifo: 0 });
  });

  it('a replay cut by its step limit says so, not "nothing in flight"', () => {
    const r = svmsim(['replay', variant('short.json', { ...found(), maxSteps: 5 })]);
    oneLine(r, /no longer reproduces: the run reached its step limit \(maxSteps 5 in the file\) at step 5, before the recorded choices ran out/);
  });

  it('a file of the wrong kind is named as such', () => {
    found();
    oneLine(svmsim(['replay', join(dir, 'flush', 'summary.json')]), /summary\.json: this is an explore summary \(summary\.json\), not a schedule file .*: give one of the counterexamples it lists \(.*dma-freed\.json\)\n$/);
    oneLine(svmsim(['charts', '--out', join(dir, 'charts'), '--coverage', join(dir, 'flush', 'dma-freed.json')]), /dma-freed\.json: this is a schedule file .*, not an explore summary .*: give the summary\.json that explore --out wrote beside it/);
    const bad = svmsim(['replay', variant('fields.json', { format: 1 })]);
    oneLine(bad, /fields\.json: kernel: [^;]+; scenario: [^;]+; strategy: [^;]+ \(and \d+ more\)\n$/);
  });
});

describe('numbers and flags', { timeout: 120_000 }, () => {
  it.each([
    [['explore', '--seed', '4294967296'], /^svmsim: --seed must be an integer from 0 to 4294967295, got '4294967296'\n$/],
    [['explore', '--seed', String(2 ** 64)], /^svmsim: --seed must be an integer from 0 to 4294967295, got '18446744073709552000'\n$/],
    [['run', '--seed', ''], /^svmsim: --seed must be an integer from 0 to 4294967295, got ''\n$/],
    [['explore', '--schedules', '1e3'], /^svmsim: --schedules must be an integer >= 1, got '1e3'\n$/],
    [['explore', '--strategy', 'random', '--seed', '4294967290'], /^svmsim: --seed 4294967290: the schedules would run seeds up to 4294968289, past 4294967295/],
    [['explore', '--strategy', 'random', '--depth', '3'], /^svmsim: --depth applies to --strategy pct \(random has no bug depth\)\n$/],
    [['explore', '--strategy', 'dfs', '--depth', '3'], /^svmsim: --depth applies to --strategy pct/],
    [['explore', '--transport', 'workers', '--jobs', String(2 * availableParallelism() + 1)], new RegExp(`^svmsim: --jobs ${2 * availableParallelism() + 1}: at most ${2 * availableParallelism()} on this machine \\(2 per core, ${availableParallelism()} core\\(s\\) by os\\.availableParallelism\\(\\)\\); each job has its own transport and, on workers, its own thread per machine kind\n$`)],
  ])('%j: exit 2, one line', (args, message) => oneLine(svmsim(args), message));

  it('--version prints the package version', () => {
    const r = svmsim(['--version']);
    expect([r.code, r.stdout.trim()]).toEqual([0, read(fileURLToPath(new URL('../../package.json', import.meta.url))).version]);
  });
});

describe('stdout that fails', { timeout: 60_000 }, () => {
  const sh = (cmd: string) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: 60_000 });
  it('a full disk: one line on stderr and exit 74 (not 1, "an oracle fired")', () => {
    const r = sh(`"${process.execPath}" "${BIN}" run --kernel fixed --transport inline --json >/dev/full`);
    expect([r.status, r.stderr]).toEqual([74, 'svmsim: cannot write to stdout: ENOSPC (no space left); the output is cut short\n']);
  });
  it('a reader that closes the pipe: one line and exit 74', () => {
    const r = sh(`"${process.execPath}" "${BIN}" run --kernel pre-fix --transport inline | true; echo "exit \${PIPESTATUS[0]}"`);
    expect(r.stdout).toBe('exit 74\n');
    expect(r.stderr).toBe('svmsim: cannot write to stdout: EPIPE (the reader closed it); the output is cut short\n');
  });
});

describe('a big world is not a hang', { timeout: 120_000 }, () => {
  // 40 processes, each on its own device (bus 1 from the 32nd: PCI_DEVID has 32 slots a bus): 3,673 deliveries under fifo.
  const world = join(dir, 'forty.json');
  const base = read(fileURLToPath(new URL('../../scenarios/munmap-close-alive.json', import.meta.url)));
  const steps = base.processes[0].steps as Record<string, unknown>[];
  writeFileSync(world, JSON.stringify({ ...base, name: 'forty', devices: Array.from({ length: 40 }, (_, i) => `d${i}`), processes: Array.from({ length: 40 }, (_, i) => ({ name: `P${i}`, steps: steps.map((s) => (s.device ? { ...s, device: `d${i}` } : s)) })) }));

  it('the default step limit is sized from the scenario', () => {
    const r = svmsim(['run', '--transport', 'inline', '--scenario', world, '--json']);
    expect(json(r.stdout)).toMatchObject({ quiescent: true, maxSteps: 40 * 40 * steps.length, stepLimitReached: false, violations: [] });
  });
  it('a step limit given too small is said to be the limit, with the flag to raise it', () => {
    const r = svmsim(['run', '--transport', 'inline', '--scenario', world, '--max-steps', '2000']);
    expect(r.stdout).toMatch(/\[stuck\].*no quiescence within 2000 deliveries/);
    expect(r.stdout).toMatch(/note: the run reached its step limit \(--max-steps 2000\) before it quiesced\. \[stuck\] here means that limit, not a kernel hang; .*try --max-steps 8000/);
    const e = svmsim(['explore', '--transport', 'inline', '--scenario', world, '--max-steps', '2000', '--schedules', '1', '--no-shrink']);
    expect(e.stdout).toMatch(/\(the step limit --max-steps 2000 was reached, not necessarily a hang: .*try --max-steps 8000\)/);
  });
});

describe('explore --report without --out', { timeout: 60_000 }, () => {
  it('leaves no temporary folder behind', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'svmsim-tmpdir-'));
    const r = spawnSync(process.execPath, [BIN, 'explore', '--kernel', 'pre-fix', '--schedules', '2', '--report', join(dir, 'cx.html')], { encoding: 'utf8', env: { ...process.env, TMPDIR: tmp } });
    expect(r.status).toBe(1);
    expect(existsSync(join(dir, 'cx.html'))).toBe(true);
    expect(readdirSync(tmp).filter((f) => f.startsWith('svmsim-'))).toEqual([]);
    expect(r.stdout).not.toMatch(/svmsim-explore-/);
  });
});

describe('the summary is kept whatever happens', { timeout: 120_000 }, () => {
  it('a disk that fills mid-run: the summary holds what was found, the error, and exit 74 with one line', () => {
    const out = join(dir, 'full');
    const FULL = fileURLToPath(new URL('./fixtures/full-disk.mjs', import.meta.url));
    // fixed-no-fault-pin under random: the leak at schedule 1, the use-after-free at 355, whose
    // counterexample cannot be written.
    const r = spawnSync(process.execPath, ['--import', FULL, BIN, 'explore', '--kernel', 'fixed-no-fault-pin', '--strategy', 'random', '--schedules', '400', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, SVMSIM_TEST_FULL: 'use-after-free.json' },
    });
    expect(r.status).toBe(74);
    expect(r.stderr).toMatch(/svmsim: cannot write .*full\/use-after-free\.json: ENOSPC\n$/);
    expect(r.stdout).toMatch(/^svmsim explore: .*\nFAILED: ENOSPC: no space left on device/);
    const summary = read(join(out, 'summary.json'));
    expect(summary).toMatchObject({ interrupted: true, error: expect.stringMatching(/^ENOSPC/), violations: expect.arrayContaining([expect.objectContaining({ oracle: 'leak', file: join(out, 'leak.json') })]) });
    expect(summary.schedules).toBeGreaterThan(0);
    expect(read(join(out, 'leak.json')).run).toBe(summary.run);
    expect(existsSync(join(out, '.svmsim.lock'))).toBe(false);
  });
});

describe('run on workers stops on SIGTERM as on Ctrl-C', { timeout: 120_000 }, () => {
  it('closes every thread and exits 143', async () => {
    const child = spawn(process.execPath, [BIN, 'run', '--free', '--repeat', '1000000']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const ended = new Promise<number | null>((ok) => child.on('exit', ok));
    let stdout = '';
    await new Promise<void>((ok) => child.stdout.on('data', (d) => (stdout += String(d)).includes('seeds 0..999999') && ok()));
    child.kill('SIGTERM');
    expect(await ended).toBe(143);
    expect(stderr).toBe('svmsim: interrupted by SIGTERM\n');
  });
});
