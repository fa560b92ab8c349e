// Every output path of every command is checked before any work starts: a bad one is one line and
// exit 2, never a stack after a long exploration. Writing itself stays atomic (src/files.ts).
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BadInput } from './errors.ts';

const codeOf = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** What is at `path` (undefined: nothing); a file where a folder on the way should be is bad input. */
function statOf(flag: string, shown: string, path: string) {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    throw new BadInput(`${flag} ${shown}: a file is in the way, where a folder should be (${codeOf(e)})`);
  }
}

/** Create `dir` if need be and prove it writable by writing (and removing) a probe file: access()
 * says yes to root on a read-only folder, and nothing short of writing sees a read-only mount. */
function writableFolder(flag: string, path: string, dir: string, what: string): void {
  const st = statOf(flag, path, dir);
  if (st && !st.isDirectory()) throw new BadInput(`${flag} ${path}: ${what === 'it' ? 'a file is there, not a folder' : `${dir} is a file, not a folder`}`);
  const probe = join(dir, `.svmsim-probe-${process.pid}`);
  try {
    if (!st) mkdirSync(dir, { recursive: true });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new BadInput(`${flag} ${path}: cannot write into ${what === 'it' ? 'it' : dir}: ${codeOf(e)}`);
  }
}

const nonEmpty = (flag: string, path: string, what: string) => {
  if (path.trim() === '') throw new BadInput(`${flag} needs ${what}, got '${path}'`);
};

/** An output folder (`explore --out`, `merge --out`, `charts --out`, `demo --out`): created now. */
export function outFolder(flag: string, dir: string): string {
  nonEmpty(flag, dir, 'a folder');
  writableFolder(flag, dir, dir, 'it');
  return dir;
}

/** An output file (`--report`, `--mermaid`, `report -o`): not a folder, in a folder we can write. */
export function outFile(flag: string, file: string): string {
  nonEmpty(flag, file, 'a file name');
  if (statOf(flag, file, file)?.isDirectory()) throw new BadInput(`${flag} ${file}: is a folder, not a file`);
  writableFolder(flag, file, dirname(file), 'its folder');
  return file;
}

/** The same, for an option that may be absent. */
export const maybeOutFile = (flag: string, file: string | undefined): string | undefined => (file === undefined ? undefined : outFile(flag, file));
