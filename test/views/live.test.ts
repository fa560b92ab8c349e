// The live view: its server and WebSocket feed in process (`run --live` as a user runs it:
// test/cli/live.test.ts).
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { variantByName } from '../../src/variants/variants.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { startLiveView, THROTTLE_MS } from '../../src/views/live.ts';
import { runOf } from './fixtures.ts';

interface Update {
  data: string;
  violations: string;
  done: boolean;
}
const stepsIn = (u: Update) => (JSON.parse(u.data) as { steps: unknown[] }).steps.length;

describe('live view server', () => {
  it('sends the run so far on connect, then throttled updates as steps arrive, then the verdict; serves the page', async () => {
    const run = await runOf('pre-fix');
    const world = buildWorld(loadScenario('exit-with-mmap'), variantByName('pre-fix'));
    const live = await startLiveView({ input: { scenario: 'exit-with-mmap', kernel: 'pre-fix', world } });
    try {
      expect(live.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      for (const ev of run.trace.slice(0, 3)) live.step(ev);
      const ws = new WebSocket(`${live.url.replace('http', 'ws')}live`);
      const got: Update[] = [];
      ws.on('message', (m) => got.push(JSON.parse(m.toString()) as Update));
      await expect.poll(() => got.length).toBe(1);
      expect([stepsIn(got[0]!), got[0]!.done]).toEqual([3, false]);
      // The throttled update of those 3 steps finds the viewer up to date: nothing more is sent.
      await new Promise((r) => setTimeout(r, 2 * THROTTLE_MS));
      expect(got).toHaveLength(1);
      // 50 steps at once: one update (throttled), with all of them.
      for (const ev of run.trace.slice(3, 53)) live.step(ev);
      await expect.poll(() => got.length).toBe(2);
      expect(stepsIn(got[1]!)).toBe(53);
      await new Promise((r) => setTimeout(r, 3 * THROTTLE_MS));
      expect(got).toHaveLength(2);
      live.done(run.trace, run.violations);
      await expect.poll(() => got.length).toBe(3);
      expect([stepsIn(got[2]!), got[2]!.done]).toEqual([run.trace.length, true]);
      expect(got[2]!.violations).toContain('[leak]');
      const page = await fetch(live.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("new WebSocket('ws://' + location.host + '/live')");
      expect(html).toContain('id="live"');
      expect((await fetch(`${live.url}elsewhere`)).status).toBe(404);
      expect((await fetch(`${live.url}favicon.ico`)).status).toBe(204);
      const closed = new Promise((r) => ws.once('close', r));
      await live.stop();
      await closed;
      await expect(fetch(live.url)).rejects.toThrow();
    } finally {
      await live.stop();
    }
  });
});
