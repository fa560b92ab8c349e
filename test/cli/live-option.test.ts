// `run --live --live-wait` stopped by a signal before any browser came (issue 29 F12): the wait
// ends with the run's abort, so the run command sets 130/143/129; a wait left pending ended the
// process as Node's 13 ("unsettled top-level await").
import { describe, expect, it, vi } from 'vitest';
import { startLive } from '../../src/cli/live-option.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { buildWorld } from '../../src/scenario/world.ts';
import { variantByName } from '../../src/variants/variants.ts';

describe('run --live --live-wait', () => {
  it('an abort while it waits for a browser ends the wait: it rejects (without the fix it never settles)', async () => {
    const abort = new AbortController();
    const world = buildWorld(loadScenario('exit-with-mmap'), variantByName('fixed'));
    let waits!: () => void;
    const waiting = new Promise<void>((ok) => (waits = ok));
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (String(chunk).includes('waiting for a browser') && waits(), true));
    try {
      const started = startLive(true, { scenario: 'exit-with-mmap', kernel: 'fixed', world }, abort.signal, true);
      await waiting;
      abort.abort();
      await expect(started).rejects.toThrow(/interrupted while waiting for a browser/);
    } finally {
      spy.mockRestore();
    }
  });
});
