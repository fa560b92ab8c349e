// The views' files as CLI outputs: checked before any work starts (an unwritable path is bad
// input, exit 2), written atomically, one line on stderr naming each.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ExploreResult } from '../explore/result.ts';
import { BadInput } from '../errors.ts';

/** Fail now, not after the work, if `file` cannot be written: its nearest existing folder must be
 * a writable folder, and the file itself not a folder. */
export function checkWritable(what: string, file: string): void {
  const path = resolve(file);
  if (existsSync(path) && statSync(path).isDirectory()) throw new BadInput(`cannot write ${what} ${file}: EISDIR`);
  let dir = dirname(path);
  while (!existsSync(dir)) dir = dirname(dir);
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new BadInput(`cannot write ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? 'not writable'}`);
  }
}

/** Write a file the CLI was asked for; a failure is one line (exit 2), not a stack. */
export async function writeOutput(what: string, file: string, write: () => void | Promise<void>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (e instanceof BadInput) throw e;
    throw new BadInput(`cannot write ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  process.stderr.write(`${what}: ${file}\n`);
}

/** The exploration report, each counterexample replayed into it (its chart renderer loads only
 * when one is written). */
export const writeExploreReportOutput = async (file: string, r: ExploreResult): Promise<void> => {
  const [{ replayCounterexamples }, { writeExploreReport }] = await Promise.all([import('../explore/counterexamples.ts'), import('../views/explore-report.ts')]);
  return writeOutput('report', file, async () => writeExploreReport(file, r, await replayCounterexamples(r)));
};
