// Checks every relative link, image and heading anchor of a set of markdown files: the file a
// link names exists (relative to the file that links), and its `#anchor` is a heading of that file
// (or of the same file for `#anchor` alone), slugged as GitHub slugs headings (github-slugger:
// lower case, punctuation dropped, a repeated heading gets `-1`, `-2`). Links with a scheme
// (https:, mailto:) are not followed.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import GithubSlugger from 'github-slugger';
import type { Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { remark } from 'remark';
import { visit } from 'unist-util-visit';

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

interface Parsed { anchors: Set<string>; links: { url: string; line: number | undefined }[] }

function parse(text: string): Parsed {
  const tree = remark().parse(text) as Root;
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const links: Parsed['links'] = [];
  visit(tree, (node) => {
    if (node.type === 'heading') anchors.add(slugger.slug(toString(node)));
    if (node.type === 'link' || node.type === 'image' || node.type === 'definition') links.push({ url: node.url, line: node.position?.start.line });
  });
  return { anchors, links };
}

/** Every broken link or anchor in `files` (paths relative to `root`), as file, line and reason. */
export const brokenLinks = async (root: string, files: string[]): Promise<{ problems: LinkProblem[]; checked: string[] }> => {
  const cache = new Map<string, Parsed>();
  const parsed = (file: string): Parsed => {
    let p = cache.get(file);
    if (!p) cache.set(file, (p = parse(readFileSync(join(root, file), 'utf8'))));
    return p;
  };
  const problems: LinkProblem[] = [];
  for (const file of files) {
    for (const { url, line } of parsed(file).links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(url)) continue;
      const [path, hash] = url.split('#') as [string, string | undefined];
      const target = path ? normalize(join(dirname(file), decodeURIComponent(path))) : file;
      if (path && !existsSync(join(root, target))) {
        problems.push({ file, line, reason: `Cannot find file \`${path}\`` });
        continue;
      }
      if (!hash) continue;
      if (!target.endsWith('.md')) continue;
      if (!parsed(target).anchors.has(decodeURIComponent(hash))) problems.push({ file, line, reason: `Cannot find heading for \`#${hash}\` in \`${target}\`` });
    }
  }
  return { problems, checked: [...files].sort() };
};
