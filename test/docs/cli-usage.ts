// What the docs show of the CLI: every `svmsim <command>` and every `--flag` in code blocks and
// inline code, read from remark's AST. A flag is checked against the command it follows
// (`svmsim explore --jobs 2`, `explore --out DIR`, `svmsim run|explore --faults K`), a flag shown on
// its own (`--jitter MAX_US`) against every command's. Other programs' flags (`npm ci --prefix`,
// `npx stryker run --mutate`, `redis-server --bind`) are not svmsim's and are left out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Code, InlineCode, Nodes, Root } from 'mdast';
import { remark } from 'remark';

export interface Use { file: string; line: number; commands: string[]; flags: string[]; text: string }

const FLAG = /(?<![\w-])--[a-z][a-z0-9-]*/g;
const SVMSIM = /(?:^|\s)(?:svmsim|node bin\/svmsim\.js)(?=\s|$)(.*)$/;

/** The uses of one shell segment (no `;`, `&&`, ` | `): null when it is another program's. */
export const segmentUse = (segment: string, commandNames: ReadonlySet<string>, inline: boolean): { commands: string[]; flags: string[] } | null => {
  const s = segment.trim().replace(/^\$\s+/, '');
  const m = SVMSIM.exec(s);
  if (m) {
    const rest = m[1].trim();
    const first = rest.split(/\s+/)[0] ?? '';
    const commands = first.startsWith('-') || first === '' ? [] : first.replace(/:$/, '').split('|');
    return { commands, flags: rest.match(FLAG) ?? [] };
  }
  if (s.startsWith('-')) return { commands: [], flags: s.match(FLAG) ?? [] };
  const first = s.split(/\s+/)[0] ?? '';
  if (inline && first.split('|').every((c) => commandNames.has(c)) && /\s-/.test(s)) return { commands: first.split('|'), flags: s.match(FLAG) ?? [] };
  return null;
};

const segments = (line: string): string[] => line.split(/\s*(?:;|&&|\s\|\s|\s&\s|\bdo\b|\bthen\b)\s*/);

/** Joins a usage synopsis's continuation lines (`           [--max-steps M] ...`) to its command. */
const logicalLines = (code: string): string[] => {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    if (/^\s+\[?--/.test(line) && out.length && SVMSIM.test(out[out.length - 1])) out[out.length - 1] += ' ' + line.trim();
    else out.push(line);
  }
  return out;
};

/** Every use of svmsim in one markdown file. */
export const usesIn = (root: string, file: string, commandNames: ReadonlySet<string>): Use[] => {
  const tree = remark().parse(readFileSync(join(root, file), 'utf8')) as Root;
  const uses: Use[] = [];
  const add = (text: string, line: number, inline: boolean) => {
    for (const seg of segments(text.replace(/\\\|/g, '|'))) {
      const u = segmentUse(seg, commandNames, inline);
      if (u && (u.commands.length || u.flags.length)) uses.push({ file, line, ...u, text: seg.trim() });
    }
  };
  const visit = (node: Nodes, f: (n: Nodes) => void): void => {
    f(node);
    if ('children' in node) for (const child of node.children) visit(child, f);
  };
  visit(tree, (node) => {
    if (node.type === 'inlineCode') add((node as InlineCode).value, node.position?.start.line ?? 0, true);
    if (node.type === 'code') {
      const code = node as Code;
      const start = code.position?.start.line ?? 0;
      logicalLines(code.value).forEach((l, i) => add(l.replace(/\s#\s.*$/, ''), start + 1 + i, false));
    }
  });
  return uses;
};

/** The long flags of a command's `--help` text. */
export const helpFlags = (help: string): Set<string> => new Set(help.match(FLAG) ?? []);

/** The command names of the top-level `--help`. */
export const helpCommands = (help: string): Set<string> => {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return new Set([...section.matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help'));
};

/** What the docs show that the CLI does not have: unknown commands, and flags no `--help` lists. */
export const cliProblems = (uses: Use[], commands: ReadonlySet<string>, helps: ReadonlyMap<string, Set<string>>): string[] => {
  const any = new Set([...helps.values()].flatMap((s) => [...s]));
  const out: string[] = [];
  for (const u of uses) {
    const where = `${u.file}:${u.line}: \`${u.text}\``;
    for (const c of u.commands) if (!commands.has(c)) out.push(`${where}: no command '${c}' in svmsim --help`);
    const known = u.commands.filter((c) => commands.has(c));
    for (const f of u.flags) {
      if (known.length === 0 ? !any.has(f) : known.some((c) => !helps.get(c)?.has(f)))
        out.push(`${where}: ${f} is not in the --help of ${known.length ? known.map((c) => `svmsim ${c}`).join(', ') : 'any command'}`);
    }
  }
  return out;
};
