/**
 * A per-tenant request quota as a token bucket (XKS proxy API spec v1.0.3: a proxy MAY enforce
 * independent quotas per path prefix and answer ThrottlingException). `burst` requests may arrive
 * at once; tokens refill at `requestsPerSecond`. The clock is injected (monotonic ms).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerMs: number,
    private readonly burst: number,
    private readonly now: () => number,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  static perSecond(requestsPerSecond: number, burst: number, now: () => number): TokenBucket {
    return new TokenBucket(requestsPerSecond / 1000, burst, now);
  }

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  take(): boolean {
    const t = this.now();
    if (t > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + (t - this.last) * this.ratePerMs);
      this.last = t;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
