// Every page in a real browser: Debian's Chromium, headless, driven by playwright-core. Each page
// loads with no console error and no request (the live view: none but to its own server), and the
// slider, the keys and the clicks move what they should. Screenshots are kept in test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld } from '../../src/scenario/world.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { writeReport } from '../../src/views/report.ts';
import { writeExploreReport } from '../../src/views/explore-report.ts';
import { diffPage, writeDiff } from '../../src/views/diff.ts';
import { replayCounterexamples } from '../../src/explore/counterexamples.ts';
import { loadRunInput } from '../../src/explore/run-input.ts';
import { startLiveView, THROTTLE_MS } from '../../src/views/live.ts';
import { explorationOf, runDocOf, runOf } from './fixtures.ts';


const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const present = existsSync(CHROMIUM);
if (!present) console.warn(`browser tests skipped: ${CHROMIUM} is missing (install it: apt-get update && apt-get install -y chromium)`);

const tmp = () => mkdtempSync(join(tmpdir(), 'svmsim-browser-'));
const stateOf = (page: Page, actor: string) => page.locator('#actorRows tr', { hasText: actor }).locator('td.state').innerText();
const litIn = (page: Page, actor: string) => page.locator(`figure.chart[data-actor="${actor}"] g.node.active`).evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')));

describe.skipIf(!present)(`pages in Chromium (${CHROMIUM})`, () => {
  let ctx: BrowserContext;
  beforeAll(async () => {
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'svmsim-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1500, height: 950 } });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => ctx?.close());

  /** A new page that records console errors and every request not to `allowed`. */
  async function open(url: string, allowed = 'file:') {
    const page = await ctx.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => !r.url().startsWith(allowed) && !r.url().startsWith('about:') && requests.push(r.url()));
    await page.goto(url);
    return { page, errors, requests };
  }
  /** Where a step is on a plot (the page's own uPlot instance). */
  const xOf = (page: Page, plot: 'counts' | 'life', step: number) => page.evaluate<number>(`plots.${plot}.valToPos(${step}, 'x')`);
  /** The top row of the lifetimes (the first object allocated: mm#1). */
  const topRow = (page: Page) => page.evaluate<number>(`plots.life.valToPos(D.lifetimes.length - 1, 'y')`);

  it('trace viewer: offline; slider, keys, messages and plots move time; the lifetimes name who freed what', { timeout: 90_000 }, async () => {
    const doc = await runDocOf('pre-fix');
    const file = join(tmp(), 'report.html');
    writeReport(file, doc);
    const { page, errors, requests } = await open(pathToFileURL(file).href);
    const last = doc.trace.length - 1;
    await expect.poll(() => page.locator('#stepinfo').innerText()).toMatch(new RegExp(`^step 0 / ${last} · boot → mm#1`));
    expect(await stateOf(page, 'process#1')).toBe('syscall');
    expect(await litIn(page, 'process#1')).toEqual(['syscall']);

    await page.locator('#slider').fill(String(last));
    expect(await page.locator('#stepinfo').innerText()).toMatch(new RegExp(`^step ${last} / ${last}`));
    expect(await stateOf(page, 'process#1')).toBe('dead');
    expect(await litIn(page, 'process#1')).toEqual(['dead']);
    expect(await page.locator('#violations li.here').count()).toBe(1); // the leak, found at the end

    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#stepinfo').innerText()).toMatch(/^step 1 \//);
    expect(await page.locator('.seq g.msg.cur').getAttribute('data-step')).toBe('1');
    await page.locator('.seq g.msg[data-step="60"] .label').click();
    expect(await page.locator('#slider').inputValue()).toBe('60');

    // The plots: uPlot drew both; a click on either jumps to the step under the cursor.
    expect(await page.locator('#countsPlot canvas').count()).toBe(1);
    expect(await page.locator('#lifePlot canvas').count()).toBe(1);
    expect(await page.locator('#countsPlot .u-legend').innerText()).toContain('mm#1 mm_count');
    await page.locator('#countsPlot .u-over').click({ position: { x: await xOf(page, 'counts', 40), y: 30 } });
    expect(await page.locator('#slider').inputValue()).toBe('40');
    await page.locator('#lifePlot .u-over').click({ position: { x: await xOf(page, 'life', 75), y: await topRow(page) } });
    expect(await page.locator('#slider').inputValue()).toBe('75');
    // Hovering mm#1's bar (the top row) names its lifetime: pre-fix, it outlives the process.
    await page.locator('#lifePlot .u-over').hover({ position: { x: await xOf(page, 'life', 50), y: await topRow(page) } });
    expect(await page.locator('#lifeinfo').innerText()).toBe('mm#1 (mm): allocated at step 0 by boot · still alive at the end');
    await page.keyboard.press('Home');
    await page.screenshot({ path: join(ARTIFACTS, 'report.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('trace viewer of a fixed run: the hover names the freeing path and thread', { timeout: 60_000 }, async () => {
    const doc = await runDocOf('fixed');
    const file = join(tmp(), 'fixed.html');
    writeReport(file, doc);
    const { page, errors } = await open(pathToFileURL(file).href);
    const mm = doc.objects.find((o) => o.id === 'mm#1')!;
    await page.locator('#lifePlot .u-over').hover({ position: { x: await xOf(page, 'life', 30), y: await topRow(page) } });
    expect(await page.locator('#lifeinfo').innerText()).toBe(`mm#1 (mm): allocated at step 0 by boot · freed at step ${mm.freedStep} by ${mm.freedBy}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('exploration report: offline; a counterexample opens in the trace viewer on the page; histogram and charts answer', { timeout: 120_000 }, async () => {
    const { result } = await explorationOf();
    const file = join(tmp(), 'explore.html');
    writeExploreReport(file, result, await replayCounterexamples(result));
    const { page, errors, requests } = await open(pathToFileURL(file).href);
    expect(await page.locator('#vtable tbody tr').count()).toBe(result.violations.length);
    expect(await page.locator('#viewer').isHidden()).toBe(true);
    await page.locator('button[data-open="0"]').click();
    expect(await page.locator('#viewer').isVisible()).toBe(true);
    const frame = page.frameLocator('#viewerFrame');
    const steps = result.violations[0]!.deliveries!;
    await expect.poll(() => frame.locator('#stepinfo').innerText()).toMatch(/^step 0 \//);
    await frame.locator('#slider').focus();
    await page.keyboard.press('End');
    await expect.poll(() => frame.locator('#stepinfo').innerText()).toMatch(/^step (\d+) \/ \1 /);
    expect(Number(await frame.locator('#slider').getAttribute('max'))).toBeGreaterThanOrEqual(steps);
    expect(await frame.locator('#violations li').first().innerText()).toContain(result.violations[0]!.oracle);
    await page.screenshot({ path: join(ARTIFACTS, 'explore-viewer.png') });
    await page.locator('header h1').click();
    await page.keyboard.press('Escape');
    expect(await page.locator('#viewer').isHidden()).toBe(true);

    // The histogram: a click on the first bar picks the most frequent end state.
    const x = await page.evaluate(() => (document.querySelector('#histPlot .u-over') as HTMLElement).clientWidth);
    const bars = Object.keys(result.history!.endStates).length;
    await page.locator('#histPlot .u-over').click({ position: { x: Math.round(((1 - 0.4) / (bars + 0.2)) * x), y: 150 } });
    expect(await page.locator('#estable tr.here').getAttribute('data-i')).toBe('0');
    expect(await page.locator('#esinfo').innerText()).toMatch(/^#1: \d+ schedule\(s\) · /);
    // The charts: hovering a state says how often it was entered.
    await page.locator('figure.chart[data-kind="mm"] g.node[data-id="lifecycle__live"]').hover();
    const n = result.coverageCounts!.mm!['mm.lifecycle.live']!;
    expect(await page.locator('#covinfo').textContent()).toBe(`mm lifecycle.live: entered ${n} time(s)`);
    expect(await page.locator('#timePlot canvas').count()).toBe(1);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, 'explore.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('diff: offline; opens where the runs part; n / p, arrows and clicks move the row on both sides', { timeout: 60_000 }, async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'pre-fix.json'), JSON.stringify(await runDocOf('pre-fix')));
    writeFileSync(join(dir, 'fixed.json'), JSON.stringify(await runDocOf('fixed')));
    const d = diffPage(await loadRunInput(join(dir, 'pre-fix.json')), await loadRunInput(join(dir, 'fixed.json')), ['pre-fix.json', 'fixed.json']);
    writeDiff(join(dir, 'diff.html'), d);
    const { page, errors, requests } = await open(pathToFileURL(join(dir, 'diff.html')).href);
    const parted = d.json.parted!;
    expect(await page.locator('#slider').inputValue()).toBe(String(parted.row));
    expect(await page.locator('.seq g.msg.cur').count()).toBe(2); // a delivery of both runs
    const diffs = d.json.rows.flatMap((r, i) => (r.kind === 'both' ? [] : [i]));
    await page.keyboard.press('n');
    expect(await page.locator('#slider').inputValue()).toBe(String(diffs.find((i) => i > parted.row)));
    await page.keyboard.press('p');
    expect(await page.locator('#slider').inputValue()).toBe(String(parted.row));
    await page.keyboard.press('End');
    const last = d.json.rows.length - 1;
    expect(await page.locator('#slider').inputValue()).toBe(String(last));
    const onlyB = d.json.rows.findIndex((r) => r.kind === 'b');
    await page.locator(`#seqB g.msg[data-row="${onlyB}"] .label`).click();
    expect(await page.locator('#slider').inputValue()).toBe(String(onlyB));
    expect(await page.locator('#lineA').innerText()).toBe('(no step of A here)');
    expect(await page.locator('#lineB').innerText()).toMatch(new RegExp(`^${d.json.rows[onlyB]!.b} `));
    expect(await page.locator('#fates tbody tr').count()).toBe(d.json.fates.length);
    await page.keyboard.press('Home');
    await page.keyboard.press('p'); // nothing before the first row: stays
    expect(await page.locator('#slider').inputValue()).toBe('0');
    await page.locator(`#parted a`).click();
    await page.evaluate(() => document.getElementById('controls')!.scrollIntoView());
    await page.screenshot({ path: join(ARTIFACTS, 'diff.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });

  it('live view: the page follows the deliveries as they arrive, then the verdict; nothing fetched but from its server', { timeout: 60_000 }, async () => {
    const run = await runOf('pre-fix');
    const world = buildWorld(loadScenario('exit-with-mmap'), variantByName('pre-fix'));
    const live = await startLiveView({ input: { scenario: 'exit-with-mmap', kernel: 'pre-fix', strategy: 'fifo', transport: 'inline', world } });
    try {
      const { page, errors, requests } = await open(live.url, live.url);
      await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('running');
      expect(await page.locator('#slider').getAttribute('max')).toBe('0');
      for (const ev of run.trace.slice(0, 30)) live.step(ev);
      await expect.poll(() => page.locator('#slider').getAttribute('max')).toBe('29');
      // It follows the newest step while the user stays there.
      expect(await page.locator('#stepinfo').innerText()).toMatch(/^step 29 \/ 29/);
      await page.keyboard.press('Home');
      for (const ev of run.trace.slice(30, 60)) live.step(ev);
      await expect.poll(() => page.locator('#slider').getAttribute('max')).toBe('59');
      expect(await page.locator('#stepinfo').innerText()).toMatch(/^step 0 \/ 59/); // the user moved away: it stays
      await new Promise((r) => setTimeout(r, THROTTLE_MS));
      live.done(run.trace, run.violations);
      await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('done');
      expect(await page.locator('#verdict').innerText()).toBe('1 violation');
      await page.keyboard.press('End');
      expect(await page.locator('#stepinfo').innerText()).toMatch(new RegExp(`^step ${run.trace.length - 1} / ${run.trace.length - 1}`));
      expect(await stateOf(page, 'process#1')).toBe('dead');
      expect(await page.locator('#lifePlot canvas').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'live.png') });
      await live.stop();
      await expect.poll(() => page.locator('#live').getAttribute('data-state')).toBe('closed');
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    } finally {
      await live.stop();
    }
  });
});
