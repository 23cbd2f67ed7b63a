/**
 * Retries a synchronous SQLite step while another connection holds a lock the step needs.
 *
 * Why not busy_timeout alone: switching a new file to WAL takes the exclusive lock through
 * pagerExclusiveLock(), which does not call the busy handler (SQLite pager.c), so a process that
 * loses the race at first open gets SQLITE_BUSY at once. Only used while opening the store, so a
 * short blocking sleep (Atomics.wait) is acceptable; the request path never comes here.
 */
export function retryWhileBusy<T>(step: () => T, budgetMs: number, now: () => number = Date.now): T {
  const deadline = now() + budgetMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      return step();
    } catch (err) {
      if (!isBusy(err) || now() >= deadline) throw err;
      Atomics.wait(pause, 0, 0, delay);
    }
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}
