// Bad input, said in one line: the error class the CLI turns into exit code 2, and zod
// validation whose error names the path of the bad field (`processes[0].steps[3].file`).
import type { z } from 'zod';

/** Input the user can fix: printed as one line on stderr, exit code 2. */
export class BadInput extends Error {}

/** `processes[0].steps[2].file` from zod's path. */
export const pathString = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '') || '(root)';

/** Validate `value`; the error is `<where>: <path>: <what is wrong>`. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new BadInput(`${where}: ${pathString(issue.path)}: ${issue.message}`);
  }
  return r.data;
}
