// svmsim reads three kinds of JSON file: an explore summary (DIR/summary.json), a schedule file
// (DIR/<oracle>.json) and a run (`run --json`). Given the wrong kind, a command says which kind it
// got and what to give instead, rather than listing the fields the file lacks.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BadInput } from '../errors.ts';

export type Kind = 'summary' | 'schedule' | 'run';

const NAMES: Record<Kind, string> = {
  summary: 'an explore summary (summary.json)',
  schedule: 'a schedule file (a counterexample from explore --out)',
  run: 'a run (`svmsim run --json`)',
};

/** The kind of a parsed document, by the fields only that kind has. */
export function kindOf(doc: unknown): Kind | undefined {
  if (!doc || typeof doc !== 'object') return undefined;
  const has = (k: string) => k in doc;
  if (has('endStates') || has('distinctEndStates')) return 'summary';
  if (has('trace')) return 'run';
  if (has('choices')) return 'schedule';
  return undefined;
}

/** What to give instead, from what the file is. */
function hint(path: string, doc: Record<string, unknown>, got: Kind, want: Kind[]): string {
  if (got === 'summary' && want.includes('schedule')) {
    const files = ((doc.violations ?? []) as { file?: string }[]).flatMap((v) => (v.file ? [join(dirname(path), basename(v.file))] : []));
    return files.length ? `: give one of the counterexamples it lists (${files.join(', ')})` : ': it lists no counterexample (no oracle fired)';
  }
  if (want.includes('summary')) return `: give the summary.json that explore --out wrote beside it (${join(dirname(path), 'summary.json')})`;
  return '';
}

/** Refuse a file of another kind (exit 2); a file that cannot be read or parsed is left to the
 * command's own reader, which names the problem. */
export function expectKind(path: string, want: Kind | Kind[], where: string): void {
  const wants = ([] as Kind[]).concat(want);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return;
  }
  const got = kindOf(doc);
  if (!got || wants.includes(got)) return;
  throw new BadInput(`${path}: this is ${NAMES[got]}, not ${wants.map((k) => NAMES[k]).join(' or ')} (${where})${hint(path, doc as Record<string, unknown>, got, wants)}`);
}
