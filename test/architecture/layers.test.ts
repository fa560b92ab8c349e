// The layer rule (.dependency-cruiser.cjs): every module imports only from its own layer and the
// ones below, no import cycle, and nothing outside test/ imports the test tree. The rule is checked
// on the real tree, and on a planted tree to show that it can fail.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration;

async function violations(baseDir: string, roots: string[]): Promise<string[]> {
  const { output } = await cruise(roots, {
    ...config.options,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
    baseDir,
    tsConfig: undefined,
  } as never);
  return (output as ICruiseResult).summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
}

describe('the layer rule', () => {
  it('holds on the tree as it is', async () => {
    expect(await violations(ROOT, ['src', 'machines', 'bin', 'bench', 'tools/coverage.ts', 'tools/redis-server.ts', 'tools/campaign-options.ts', 'test'])).toEqual([]);
  }, 120_000);

  const planted = mkdtempSync(join(tmpdir(), 'svmsim-layers-'));
  afterAll(() => rmSync(planted, { recursive: true, force: true }));
  const plant = (files: Record<string, string>) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(planted, path)), { recursive: true });
      writeFileSync(join(planted, path), text);
    }
  };

  it('rejects a machine that imports the CLI, a cycle, the product importing a test, and a view that runs a simulation', async () => {
    plant({
      'src/cli/main.ts': "export const main = 1;\n",
      'machines/mm.ts': "import { main } from '../src/cli/main.ts';\nexport const mm = main;\n",
      'src/engine/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
      'src/engine/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      'test/helper.ts': "export const h = 1;\n",
      'src/explore/uses-test.ts': "import { h } from '../../test/helper.ts';\nexport const u = h;\n",
      'src/cli/ok.ts': "import { mm } from '../../machines/mm.ts';\nexport const ok = mm;\n",
      'src/simulate.ts': "export const simulate = () => 1;\nexport interface SimResult { steps: number }\n",
      'src/views/runs.ts': "import { simulate } from '../simulate.ts';\nexport const page = () => `<p>${simulate()}</p>`;\n",
      'src/views/names.ts': "import type { SimResult } from '../simulate.ts';\nexport const page = (r: SimResult) => `<p>${r.steps}</p>`;\n",
    });
    const found = await violations(planted, ['src', 'machines', 'test']);
    expect(found).toContain('layer: machines: machines/mm.ts -> src/cli/main.ts');
    expect(found.some((v) => v.startsWith('no-cycle: src/engine/'))).toBe(true);
    expect(found).toContain('tools-not-test: src/explore/uses-test.ts -> test/helper.ts');
    expect(found.some((v) => v.includes('src/cli/ok.ts'))).toBe(false);
    // A view that runs a simulation breaks the rule; one that only names a runner's type does not.
    expect(found).toContain('views render, never run: src/views/runs.ts -> src/simulate.ts');
    expect(found.some((v) => v.includes('src/views/names.ts'))).toBe(false);
  }, 60_000);
});
