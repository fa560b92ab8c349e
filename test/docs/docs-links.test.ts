// Every relative link and heading anchor in the docs resolves: README.md, docs/**/*.md and
// scenarios/README.md, checked together (a link into another file's heading is checked against
// that file's headings). A tiny broken doc proves the check can fail.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenLinks, docFiles } from './links.ts';

const root = resolve(import.meta.dirname, '../..');

describe('the docs links', () => {
  it('every relative link and anchor in README.md, docs/ and scenarios/README.md resolves', async () => {
    const files = docFiles(root);
    const { problems, checked } = await brokenLinks(root, files);
    expect(checked).toEqual([...files].sort());
    expect(checked).toContain('docs/index.md');
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.reason}`)).toEqual([]);
  });

  describe('on a tiny broken doc', () => {
    const dir = mkdtempSync(join(tmpdir(), 'svmsim-docs-links-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'b.md'), '# B\n\n## A section\n\ntext\n');
    writeFileSync(join(dir, 'img.png'), '');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# A', '', '## Here', '',
        '[good file](docs/b.md), [good heading](docs/b.md#a-section), [good anchor](#here), ![good image](img.png)',
        '[missing file](docs/missing.md)',
        '[missing heading elsewhere](docs/b.md#no-such-section)',
        '[missing anchor here](#nowhere)',
        '![missing image](docs/images/none.png)',
        '',
      ].join('\n'),
    );

    it('names each broken link, and only those', async () => {
      const { problems } = await brokenLinks(dir, ['README.md', 'docs/b.md']);
      const text = problems.map((p) => `${p.file}:${p.line}: ${p.reason}`).sort();
      expect(text).toHaveLength(4);
      expect(text.join('\n')).toMatch(/README\.md:6: .*docs\/missing\.md/);
      expect(text.join('\n')).toMatch(/README\.md:7: .*no-such-section/);
      expect(text.join('\n')).toMatch(/README\.md:8: .*nowhere/);
      expect(text.join('\n')).toMatch(/README\.md:9: .*none\.png/);
    });
  });
});
