// The report in a real browser: Debian's Chromium, headless, driven by playwright-core. The page
// loads from file:// with no console error and no request, the slider and the arrow keys move
// through the steps, and the state shown follows. The screenshot is kept in test-artifacts/.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/views/report.ts';
import { runDocOf } from './fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const present = existsSync(CHROMIUM);
if (!present) console.warn(`browser test skipped: ${CHROMIUM} is missing (apt-get update && apt-get install -y chromium)`);

const stateOf = (page: Page, actor: string) => page.locator('#actorRows tr', { hasText: actor }).locator('td.state').innerText();
const litIn = (page: Page, actor: string) => page.locator(`figure.chart[data-actor="${actor}"] g.node.active`).evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')));

describe.skipIf(!present)(`report in Chromium (${CHROMIUM})`, () => {
  let ctx: BrowserContext | undefined;
  afterAll(async () => ctx?.close());

  it('loads offline without a console error; slider and keys move time; the state shown follows', { timeout: 60_000 }, async () => {
    const doc = await runDocOf('pre-fix');
    const file = join(mkdtempSync(join(tmpdir(), 'svmsim-browser-')), 'report.html');
    writeReport(file, doc);
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'svmsim-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1500, height: 950 } });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => !r.url().startsWith('file:') && requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);

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
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });
});
