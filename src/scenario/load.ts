// Reading a scenario: a built-in name or a JSON file, validated; an error names the bad field.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadInput, parseInput, parseJsonText } from '../input.ts';
import { ScenarioSchema, type Scenario } from './schema.ts';
import { checkScenario } from './check.ts';

export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../scenarios');

export const builtinNames = (): string[] =>
  readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();

export { pathString } from '../input.ts';

/** Validate a parsed JSON value as a scenario; `where` names it in errors. */
export function parseScenario(value: unknown, where: string): Scenario {
  const scenario = parseInput(ScenarioSchema, value, where);
  checkScenario(scenario, where);
  return scenario;
}

/** A built-in name (`exit-with-mmap`) or a path to a JSON file. */
export function loadScenario(nameOrFile: string): Scenario {
  const builtin = builtinNames().includes(nameOrFile);
  const isFile = !builtin && /[./\\]/.test(nameOrFile);
  if (!builtin && !isFile) {
    throw new BadInput(`unknown scenario '${nameOrFile}' (valid: ${builtinNames().join(', ')}, or a .json file)`);
  }
  const file = builtin ? join(SCENARIO_DIR, `${nameOrFile}.json`) : nameOrFile;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new BadInput(`cannot read scenario ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (e) {
    throw new BadInput(`${file}: not JSON: ${(e as Error).message}`);
  }
  return parseScenario(json, file);
}
