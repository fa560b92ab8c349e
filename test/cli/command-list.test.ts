// The CLI's list of commands (src/cli/command-list.ts) names every file in src/cli/commands, each
// under its file's name: a command left out could not be run, and `svmsim <name>` loads the
// entry of that name alone, so the entry must register the command of that name.
import { readdirSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-list.ts';

describe('the command list', () => {
  it('names each file in src/cli/commands, and each name loads the file that registers the command of that name (lists: variants and scenarios)', async () => {
    const files = readdirSync(new URL('../../src/cli/commands', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
    expect(Object.keys(COMMANDS).sort()).toEqual(files);
    for (const f of files) {
      const program = new Command();
      (await COMMANDS[f]!()).register(program);
      expect(program.commands.map((c) => c.name())).toEqual(f === 'lists' ? ['variants', 'scenarios'] : [f]);
    }
  });
});
