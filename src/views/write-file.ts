// Files the views write appear whole or not at all: written to a temp name beside the target,
// then renamed over it (rename is atomic within one directory).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(file: string, data: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.svmsim-tmp-${process.pid}-${basename(file)}`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
