// Live inspection: a local WebSocket client stands in for the Stately inspector page (which needs
// the internet) and must see every actor of a run register, receive its events, and change state.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { machines } from '../../machines/index.ts';
import { variantByName } from '../../src/variants/variants.ts';
import { stateString } from '../../src/runtime/host.ts';
import { makeTransport } from '../../src/engine/transports.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { fifo } from '../../src/scheduler/fifo.ts';
import { simulate } from '../../src/simulate.ts';
import { startInspector, type LiveInspector } from '../../src/views/inspect.ts';

/** A viewer: collects every message until the relay closes it. */
function viewer(url: string): Promise<{ got: StatelyInspectionEvent[]; closed: Promise<void> }> {
  const ws = new WebSocket(url);
  const got: StatelyInspectionEvent[] = [];
  ws.on('message', (d) => got.push(JSON.parse(d.toString()) as StatelyInspectionEvent));
  const closed = new Promise<void>((ok) => ws.on('close', () => ok()));
  return new Promise((ok, fail) => ws.on('open', () => ok({ got, closed })).on('error', fail));
}

let insp: LiveInspector | undefined;
afterEach(async () => {
  await insp?.stop();
  insp = undefined;
});

describe('live inspection', () => {
  for (const transport of ['inline', 'workers']) {
    it(`${transport}: every actor registers with its machine, gets each delivery, and ends in its final state`, { timeout: 30_000 }, async () => {
      insp = await startInspector();
      expect(insp.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\/$/);
      const early = await viewer(insp.wsUrl);
      const r = await simulate({ scenario: loadScenario('exit-with-mmap'), variant: variantByName('pre-fix'), strategy: fifo(), transport: await makeTransport(transport, { inspect: insp.inspect }) });
      const late = await viewer(insp.wsUrl);
      await insp.stop();
      insp = undefined;
      await Promise.all([early.closed, late.closed]);

      const got = early.got;
      expect(late.got).toEqual(got); // a viewer that joins late is told the story so far

      const actorOf = new Map<string, string>();
      for (const e of got) if (e.type === '@xstate.actor') actorOf.set(e.sessionId, e.name);
      const specs = r.world.specs;
      expect([...actorOf.values()].sort()).toEqual(specs.map((s) => s.id).sort());
      expect(new Set(actorOf.keys()).size).toBe(specs.length); // no two actors share a session
      for (const s of specs) {
        const session = [...actorOf].find(([, name]) => name === s.id)![0];
        if (transport === 'workers') expect(session.startsWith(`${s.kind}/`)).toBe(true);
        const reg = got.find((e) => e.type === '@xstate.actor' && e.sessionId === session) as Extract<StatelyInspectionEvent, { type: '@xstate.actor' }>;
        expect((JSON.parse(reg.definition!) as { id: string }).id).toBe(machines[s.kind]!.id);
        const snaps = got.filter((e) => e.type === '@xstate.snapshot' && e.sessionId === session) as Extract<StatelyInspectionEvent, { type: '@xstate.snapshot' }>[];
        const final = snaps.filter((e) => (e.snapshot as { status: string }).status === 'active').at(-1)!;
        // The relay's JSON sorts keys: compare the regions as a set.
        const leaves = (st: string) => st.split('|').sort();
        expect(leaves(stateString((final.snapshot as unknown as { value: unknown }).value))).toEqual(leaves(r.views.find((v) => v.id === s.id)!.state));
      }
      // Every delivery of the trace, as an event to its receiver from its sender.
      const delivered = got
        .filter((e): e is Extract<StatelyInspectionEvent, { type: '@xstate.event' }> => e.type === '@xstate.event' && (e.event as { type: string }).type !== 'xstate.init')
        .map((e) => `${actorOf.get(e.sessionId)} ${(e.event as { type: string }).type}`);
      expect(delivered.sort()).toEqual(r.trace.filter((e) => e.from !== 'boot').map((e) => `${e.to} ${e.event}`).sort());
    });
  }

  it('the bridge page connects to the relay it was served from; it serves until interrupted', async () => {
    const live = await startInspector();
    const page = await (await fetch(live.url)).text();
    expect(page).toContain(JSON.stringify(live.wsUrl));
    expect(page).toContain('https://stately.ai/inspect');
    expect(live.banner).toContain(live.url);
    const stop = new AbortController();
    const held = live.untilInterrupted(stop.signal);
    expect((await fetch(live.url)).status).toBe(200); // still serving
    stop.abort();
    await held;
    await expect(fetch(live.url)).rejects.toThrow();
  });
});
