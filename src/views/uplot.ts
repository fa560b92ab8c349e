// uPlot (pinned in package.json), read from node_modules and inlined into a page, so the page
// draws its plots offline and fetches nothing. `window.uPlot` is the library; the IIFE build
// has no `</script` in it, checked here all the same.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let assets: string | undefined;

/** `<style>` and `<script>` tags that define uPlot on the page. */
export function uplotTags(): string {
  if (assets === undefined) {
    const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('uPlot cannot be inlined: it contains a closing tag');
    assets = `<style>${css}</style><script>${js}</script>`;
  }
  return assets;
}
