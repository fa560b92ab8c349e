// A run claims its --out folder: a lock file holds its pid and run id, and a folder another live
// run holds is refused (exit 2). What an earlier run left there (its summary.json and
// <oracle>.json files) is moved apart into DIR/earlier/<its run id>/, never mixed with this run's
// files and never deleted. Every file a run writes carries its run id (`run`).
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ORACLES } from '../oracles/types.ts';
import { BadInput } from '../errors.ts';
import { outFolder } from '../paths.ts';

export const LOCK = '.svmsim.lock';
export const EARLIER = 'earlier';

interface LockBody {
  pid: number;
  run: string;
  started: string;
}

/** `20261202T074012Z-3f9a1c`: when it started, and 24 random bits. */
export const newRunId = (now = new Date()): string => `${now.toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(3).toString('hex')}`;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readJson = (file: string): Record<string, unknown> | undefined => {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

export interface Claim {
  dir: string;
  run: string;
  /** Where the earlier run's files went, if any were there. */
  movedTo: string[];
  release(): void;
}

/** Claim `dir` for run `run` (exit 2 if a live run holds it), then move earlier files apart
 * (`files`: the names a run of this kind writes). */
export function claimFolder(flag: string, dir: string, run: string, files = runFiles()): Claim {
  outFolder(flag, dir);
  const lock = join(dir, LOCK);
  const body: LockBody = { pid: process.pid, run, started: new Date().toISOString() };
  takeLock(flag, dir, lock, body);
  const release = () => {
    if (readJson(lock)?.run === run) rmSync(lock, { force: true });
  };
  // process.exit (a second Ctrl-C, a closed stdout) skips `finally`: the lock goes anyway.
  process.once('exit', release);
  return { dir, run, movedTo: moveEarlier(dir, files), release: () => (release(), process.off('exit', release)) };
}

function takeLock(flag: string, dir: string, lock: string, body: LockBody, retry = true): void {
  try {
    const fd = openSync(lock, 'wx');
    writeSync(fd, JSON.stringify(body) + '\n');
    closeSync(fd);
    return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new BadInput(`${flag} ${dir}: cannot create the lock ${LOCK}: ${(e as NodeJS.ErrnoException).code}`);
  }
  const held = readJson(lock);
  const pid = typeof held?.pid === 'number' ? held.pid : 0;
  if (pid > 0 && alive(pid)) {
    throw new BadInput(`${flag} ${dir} is in use by run ${String(held?.run)} (pid ${pid}, started ${String(held?.started)}): wait for it to end, or give another folder`);
  }
  if (!retry) throw new BadInput(`${flag} ${dir}: another run took the folder while this one started`);
  // A stale lock (its run was killed): set it aside by a rename only one breaker can win, and
  // check that what we set aside is the stale lock and not a live run's new one.
  const aside = `${lock}.stale-${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return takeLock(flag, dir, lock, body, false);
  }
  const took = readJson(aside);
  if (took?.run !== held?.run) renameSync(aside, lock);
  else rmSync(aside, { force: true });
  takeLock(flag, dir, lock, body, false);
}

/** The files a run writes into its folder. */
export const runFiles = (): string[] => ['summary.json', ...ORACLES.map((o) => `${o}.json`)];

/** Move the earlier runs' files into DIR/earlier/<their run id>/ (each file by its own id, or, a
 * file that has none, such as a scenario, by its summary's); drop temporary files a killed run
 * left half-written. */
function moveEarlier(dir: string, files: string[]): string[] {
  const names = new Set(readdirSync(dir));
  for (const n of names) if (n.startsWith('.svmsim-tmp-')) rmSync(join(dir, n), { force: true });
  const stamp = new Date().toISOString().replace(/[-:]|\.\d+/g, '');
  const moved = new Set<string>();
  const summaryRun = names.has('summary.json') ? readJson(join(dir, 'summary.json'))?.run : undefined;
  for (const n of files.filter((f) => names.has(f))) {
    const id = readJson(join(dir, n))?.run ?? summaryRun;
    const to = join(dir, EARLIER, typeof id === 'string' && /^[\w.-]+$/.test(id) ? id : `no-run-id-${stamp}`);
    mkdirSync(to, { recursive: true });
    renameSync(join(dir, n), join(to, n));
    moved.add(to);
  }
  return [...moved];
}
