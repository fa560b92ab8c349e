// `svmsim report` as a user runs it: the page and the Mermaid file written atomically; bad input
// exits 2 with one line (the page and its model: test/views/report.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDocOf } from '../views/fixtures.ts';

const ROOT = join(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'svmsim-report-'));

describe('svmsim report', () => {
  it('writes the page and the Mermaid file, atomically; bad input exits 2 with one line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'run.json'), JSON.stringify(await runDocOf('pre-fix')));
    const ok = spawnSync(process.execPath, [join(ROOT, 'bin/svmsim.js'), 'report', join(dir, 'run.json'), '-o', join(dir, 'r.html'), '--mermaid', join(dir, 'r.mmd')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['r.html', 'r.mmd', 'run.json']);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toContain('<title>svmsim · exit-with-mmap on pre-fix</title>');
    writeFileSync(join(dir, 'bad.json'), '{"trace": 3}');
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/svmsim.js'), 'report', join(dir, 'bad.json'), '-o', join(dir, 'b.html')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^svmsim: .*bad\.json: trace: /);
    expect(readdirSync(dir)).not.toContain('b.html');
  }, 60_000);
});
