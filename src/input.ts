// Bad input, said in one line: the error class the CLI turns into exit code 2, and zod
// validation whose error names the path of the bad field (`processes[0].steps[3].file`).
import type { z } from 'zod';

/** Input the user can fix: printed as one line on stderr, exit code 2. */
export class BadInput extends Error {}

/** `processes[0].steps[2].file` from zod's path. */
export const pathString = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '') || '(root)';

/** Problems named in the one line, at most; the rest are counted. */
export const MAX_ISSUES = 3;

/** Validate `value`; the error is `<where>: <path>: <what is wrong>`, one line, with the first
 * few problems (`; ` between them) and how many more there are. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    // One message per field, its last check's (a huge budget fails the safe-integer check and then
    // the 1..16 one, which says what to give: F22 of issue 29).
    const all = r.error.issues.filter((i, k, xs) => !xs.slice(k + 1).some((j) => pathString(j.path) === pathString(i.path)));
    const shown = all.slice(0, MAX_ISSUES).map((i) => `${pathString(i.path)}: ${i.message.replace(/\s*\n\s*/g, ' ')}`);
    const more = all.length > MAX_ISSUES ? ` (and ${all.length - MAX_ISSUES} more)` : '';
    throw new BadInput(`${where}: ${shown.join('; ')}${more}`);
  }
  return r.data;
}

/** JSON.parse of a file's text, a leading UTF-8 byte-order mark (an editor's, on Windows) skipped:
 * JSON forbids it, and JSON.parse's error named an invisible character (F18 of issue 29). */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}
