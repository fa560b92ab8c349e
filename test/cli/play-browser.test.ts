// `svmsim play` in a real browser (Debian's Chromium, headless, launched as test/views/browser.test.ts
// does): the seed's leak played by hand on pre-fix, clicking the deliveries of a known
// counterexample (fifo's schedule of the smallest leaking world) in order; undo and another branch;
// the history saved and replayed from the CLI with the page's verdict. Two pages share one history,
// a reload keeps it, and a taken port is no error.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaySession } from '../../src/play/session.ts';
import { startPlayServer, type PlayServer } from '../../src/cli/play-server.ts';
import { simulate } from '../../src/simulate.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { memoTransport } from '../../src/engine/memo.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { MINI } from '../play/mini.ts';
import { createServer } from 'node:net';
import { svmsim } from './cli.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const present = existsSync(CHROMIUM);
const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

describe.skipIf(!present)('svmsim play in Chromium', () => {
  let ctx: BrowserContext;
  let server: PlayServer;
  let session: PlaySession;
  const out = join(mkdtempSync(join(tmpdir(), 'svmsim-play-')), 'played.json');
  beforeAll(async () => {
    session = await PlaySession.open({ scenario: MINI, variant: variantByName('pre-fix'), maxSteps: 2000 });
    server = await startPlayServer({ session, port: 0, out });
    ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'svmsim-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1500, height: 950 } });
  }, 60_000);
  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
    await session?.close();
  });

  async function open(): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await ctx.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => !r.url().startsWith(server.url) && !r.url().startsWith('ws://127.0.0.1') && requests.push(r.url()));
    await page.goto(server.url);
    await expect.poll(() => page.locator('#link').innerText()).toBe('connected');
    return { page, errors, requests };
  }
  const at = (page: Page) => page.evaluate(() => Number(document.body.dataset.at));
  const click = async (page: Page, ch: string, k: number) => {
    const n = await at(page);
    await page.locator(`button.choice[data-ch="${ch}"][data-k="${k}"]`).click();
    await expect.poll(() => at(page)).toBe(n + 1);
  };

  it('plays the leak by hand, undoes and takes another branch, saves, and the CLI replays it with the same verdict', { timeout: 90_000 }, async () => {
    const cex = await simulate({ scenario: MINI, variant: variantByName('pre-fix'), strategy: fifo(), transport: memoTransport() });
    const { page, errors, requests } = await open();
    for (const [i, c] of cex.choices.entries()) {
      expect(await page.locator('#verdict').innerText()).toBe('no violation so far');
      if (i === 5) await page.screenshot({ path: join(ARTIFACTS, 'play.png') });
      await click(page, c.ch, c.k);
    }
    await expect.poll(() => page.locator('#verdict').innerText()).toBe('leak');
    expect(await page.locator('#violations li').innerText()).toMatch(/^\[leak\] step 28 kmemleak: 8 unreferenced objects after exit of process#1/);
    expect(await page.locator('#objRows tr', { hasText: 'mm#1' }).innerText()).toContain('mm_users=1 mm_count=2');
    expect(await page.locator('figure.chart[data-actor="process#1"] g.node.active').count()).toBeGreaterThan(0);
    expect(await page.locator('#plot canvas').count()).toBe(1);
    // A second page shows the same history, and so does a reload.
    const other = await open();
    expect(await at(other.page)).toBe(cex.choices.length);
    await other.page.reload();
    await expect.poll(() => other.page.locator('#verdict').innerText()).toBe('leak');

    // Undo to the first point with a choice, and take the message fifo did not.
    const p = cex.choices.findIndex((c) => c.of > 1);
    while ((await at(page)) > p) {
      const n = await at(page);
      await page.locator('#undo').click();
      await expect.poll(() => at(page)).toBe(n - 1);
    }
    expect(await page.locator('#verdict').innerText()).toBe('no violation so far');
    // The other page was told every undo.
    await expect.poll(() => at(other.page)).toBe(p);
    await other.page.close();
    const alt = page.locator('button.choice:not(.next)').first();
    const [ch, k] = [await alt.getAttribute('data-ch'), Number(await alt.getAttribute('data-k'))];
    await click(page, ch!, k);
    expect(await page.locator('#redo').isDisabled()).toBe(true);
    await page.locator('#run').click();
    await expect.poll(() => page.locator('#none').innerText()).toBe('Nothing in flight: the run is over.');
    const verdict = await page.locator('#verdict').innerText();
    await page.locator('#save').click();
    await expect.poll(() => page.locator('#saved').innerText()).toContain(out);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as { choices: { ch: string }[]; violation?: { oracle: string } };
    expect(saved.choices[p]!.ch).toBe(ch);
    const r = svmsim(['replay', out, '--json']);
    const doc = JSON.parse(r.stdout) as { violations: { oracle: string }[]; reproduced: boolean; completedByFifo: number };
    expect(doc.reproduced).toBe(true);
    expect(doc.completedByFifo).toBe(0);
    expect(doc.violations.map((v) => v.oracle).join(', ') || 'OK — no oracle fired').toBe(verdict);
    expect(r.code).toBe(doc.violations.length ? 1 : 0);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('a taken port picks another', async () => {
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
    const port = (taken.address() as { port: number }).port;
    const second = await startPlayServer({ session, port, out });
    expect(second.moved).toBe(true);
    expect(second.url).not.toBe(server.url);
    expect((await fetch(second.url + 'state')).ok).toBe(true);
    await second.stop();
    taken.close();
  });
});
