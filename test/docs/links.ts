// Checks every relative link and heading anchor of a set of markdown files with
// remark-validate-links run through unified-engine, as remark-cli runs it: on several files at
// once, so a link to another file's heading (`guide/run.md#controlled-mode-the-default`) is
// checked against that file's headings (GitHub's slugs, github-slugger), not only its existence.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { remark } from 'remark';
import remarkValidateLinks from 'remark-validate-links';
import { engine } from 'unified-engine';
import type { VFile } from 'vfile';

export interface LinkProblem { file: string; line: number | undefined; reason: string }

/** The markdown files the docs are made of: README.md, docs/**\/*.md, scenarios/README.md. */
export const docFiles = (root: string): string[] => {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return walk(path);
      return name.endsWith('.md') ? [path] : [];
    });
  return ['README.md', 'scenarios/README.md', ...walk(join(root, 'docs')).map((p) => relative(root, p))];
};

/** Every broken link or anchor in `files` (paths relative to `root`), as file, line and reason. */
export const brokenLinks = async (root: string, files: string[]): Promise<{ problems: LinkProblem[]; checked: string[] }> => {
  const vfiles: VFile[] = [];
  await new Promise<void>((resolve, reject) => {
    engine(
      {
        processor: remark().use(remarkValidateLinks, { repository: false, root }),
        files,
        cwd: root,
        extensions: ['md'],
        out: false,
        quiet: true,
        silent: true,
        ignoreName: '.remarkignore-none',
        detectConfig: false,
        detectIgnore: false,
        reporter: (list: VFile[]) => { vfiles.push(...list); return ''; },
      },
      (error) => (error ? reject(error) : resolve()),
    );
  });
  const problems = vfiles.flatMap((f) =>
    f.messages.map((m) => ({ file: relative(root, f.path), line: m.line, reason: m.reason })),
  );
  return { problems, checked: vfiles.map((f) => relative(root, f.path)).sort() };
};
