/**
 * Caching of the deep health check (XKS proxy API spec v1.0.3, GetHealthStatus: a deep check
 * slower than 250 ms MAY run in the background, and a cached result MUST NOT be older than one
 * minute). A check that took at most `slowMs` is never cached: the next call checks again. A slow
 * check's result is served for up to `maxAgeMs` (measured from when that check started); once it
 * is `refreshAfterMs` old, or if it was a failure, a background check is started so the cache is
 * renewed before it expires. One check runs at a time.
 */
import type { XksTokenHealth } from '../ports/hsm-xks.js';
import type { Clock } from '../../lib/time.js';

export interface XksHealthMonitorOptions {
  slowMs?: number;
  maxAgeMs?: number;
  refreshAfterMs?: number;
}

interface Cached {
  result: XksTokenHealth;
  /** Clock time at which the check that produced it started. */
  startedAt: number;
}

export class XksHealthMonitor {
  private last: Cached | undefined;
  private running: Promise<XksTokenHealth> | undefined;
  private readonly slowMs: number;
  private readonly maxAgeMs: number;
  private readonly refreshAfterMs: number;

  constructor(
    private readonly check: () => Promise<XksTokenHealth>,
    private readonly clock: Clock,
    opts: XksHealthMonitorOptions = {},
  ) {
    this.slowMs = opts.slowMs ?? 250;
    this.maxAgeMs = opts.maxAgeMs ?? 60_000;
    this.refreshAfterMs = opts.refreshAfterMs ?? 30_000;
  }

  /** The result to report now: fresh, or a cached slow result younger than maxAgeMs. */
  async current(): Promise<XksTokenHealth> {
    const last = this.last;
    if (last && last.result.elapsedMs > this.slowMs) {
      const age = this.clock.now() - last.startedAt;
      if (age >= 0 && age < this.maxAgeMs) {
        if (age >= this.refreshAfterMs || !last.result.ok) void this.run();
        return last.result;
      }
    }
    return this.run();
  }

  private run(): Promise<XksTokenHealth> {
    if (this.running) return this.running;
    const startedAt = this.clock.now();
    this.running = this.check()
      .then((result) => {
        this.last = { result, startedAt };
        return result;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
