/** Latency bookkeeping for the benchmark: a fixed-size sample buffer and percentiles. */

export interface RunStats {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

export class LatencyRecorder {
  private samples: Float64Array;
  private n = 0;
  errors = 0;

  constructor(capacity = 1 << 21) {
    this.samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    if (this.n < this.samples.length) this.samples[this.n] = ms;
    this.n++;
  }

  summary(seconds: number): RunStats {
    const kept = this.samples.subarray(0, Math.min(this.n, this.samples.length)).slice().sort();
    const pct = (p: number) => (kept.length === 0 ? NaN : kept[Math.min(kept.length - 1, Math.floor(p * kept.length))]!);
    return { requests: this.n, errors: this.errors, seconds, perSecond: this.n / seconds, p50ms: pct(0.5), p99ms: pct(0.99) };
  }
}

/** Runs `fn` from `concurrency` loops until `durationMs` has passed; returns the stats. */
export async function drive(concurrency: number, durationMs: number, fn: () => Promise<unknown>): Promise<RunStats> {
  const rec = new LatencyRecorder();
  const start = performance.now();
  const end = start + durationMs;
  let firstError: unknown;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        await fn();
        rec.record(performance.now() - t0);
      } catch (e) {
        rec.errors++;
        firstError ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const stats = rec.summary((performance.now() - start) / 1000);
  if (firstError !== undefined && stats.requests === 0) throw firstError;
  return stats;
}

export function formatRow(label: string, s: RunStats): string {
  const rate = s.perSecond.toFixed(0).padStart(9);
  const p50 = Number.isNaN(s.p50ms) ? '      -' : s.p50ms.toFixed(2).padStart(7);
  const p99 = Number.isNaN(s.p99ms) ? '      -' : s.p99ms.toFixed(2).padStart(7);
  return `${label.padEnd(52)} ${rate} /s   p50 ${p50} ms   p99 ${p99} ms   errors ${s.errors}`;
}
