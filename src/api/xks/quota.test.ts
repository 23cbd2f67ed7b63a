import { describe, expect, it } from 'vitest';
import { TokenBucket } from './quota.js';

describe('per-tenant request quota', () => {
  it('lets a burst through, then refills at the configured rate', () => {
    let t = 0;
    const b = TokenBucket.perSecond(10, 3, () => t);
    expect([b.take(), b.take(), b.take(), b.take()]).toStrictEqual([true, true, true, false]);
    t += 99;
    expect(b.take()).toBe(false);
    t += 1; // 100 ms at 10/s = one token
    expect(b.take()).toBe(true);
    expect(b.take()).toBe(false);
  });

  it('never stores more than the burst, however long it was idle', () => {
    let t = 0;
    const b = TokenBucket.perSecond(1000, 2, () => t);
    t += 60_000;
    expect([b.take(), b.take(), b.take()]).toStrictEqual([true, true, false]);
  });
});
