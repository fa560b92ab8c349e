// Serving until the user is done: Ctrl-C, SIGTERM, or the caller's signal (tests, a run's own
// abort), whichever comes first. The live views (inspector relay, live trace viewer) wait here.
export function untilInterrupted(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((ok) => {
    const done = () => {
      process.off('SIGINT', done).off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      ok();
    };
    process.once('SIGINT', done).once('SIGTERM', done);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}
