// Files are written whole or not at all: to a temporary name beside the target, then renamed over
// it (rename is atomic within one directory), so nothing already written is lost to a crash.
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function atomically(file: string, write: (tmp: string) => void): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.svmsim-tmp-${process.pid}-${Math.random().toString(36).slice(2)}-${basename(file)}`);
  try {
    write(tmp);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export const writeFileAtomic = (file: string, data: string): void => atomically(file, (tmp) => writeFileSync(tmp, data));

export const writeJsonAtomic = (file: string, value: unknown): void => writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');

export const copyAtomic = (from: string, to: string): void => atomically(to, (tmp) => copyFileSync(from, tmp));
