import { describe, expect, it } from 'vitest';
import type { XksTokenHealth } from '../ports/hsm-xks.js';
import { XksHealthMonitor } from './health.js';

class FakeClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

function checker(elapsedMs: number, ok = true) {
  const calls: number[] = [];
  const check = async (): Promise<XksTokenHealth> => {
    calls.push(calls.length + 1);
    return { ok, busy: false, tokenLabel: 't', elapsedMs, detail: String(calls.length) };
  };
  return { check, calls };
}

describe('XKS health check caching', () => {
  it('runs a fast deep check (≤ 250 ms) on every call, never serving a cached result', async () => {
    const clock = new FakeClock();
    const c = checker(3);
    const m = new XksHealthMonitor(c.check, clock);
    await m.current();
    await m.current();
    await m.current();
    expect(c.calls).toHaveLength(3);
  });

  it('serves a slow check (> 250 ms) from cache for under a minute, then checks again', async () => {
    const clock = new FakeClock();
    const c = checker(400);
    const m = new XksHealthMonitor(c.check, clock, { refreshAfterMs: 60_000 });
    expect((await m.current()).detail).toBe('1');
    clock.t += 59_999;
    expect((await m.current()).detail).toBe('1');
    expect(c.calls).toHaveLength(1);
    clock.t += 1;
    expect((await m.current()).detail).toBe('2');
    expect(c.calls).toHaveLength(2);
  });

  it('starts a background check once a cached result is half a minute old, still answering from cache', async () => {
    const clock = new FakeClock();
    const c = checker(400);
    const m = new XksHealthMonitor(c.check, clock);
    await m.current();
    clock.t += 30_000;
    expect((await m.current()).detail).toBe('1'); // answered from cache…
    await new Promise((r) => setImmediate(r));
    expect(c.calls).toHaveLength(2); // …while a refresh ran
    expect((await m.current()).detail).toBe('2');
  });

  it('re-checks in the background after a cached slow failure, so recovery is seen at the next call', async () => {
    const clock = new FakeClock();
    let ok = false;
    const calls: number[] = [];
    const m = new XksHealthMonitor(async () => {
      calls.push(1);
      return { ok, busy: false, tokenLabel: 't', elapsedMs: 500 };
    }, clock);
    expect((await m.current()).ok).toBe(false);
    ok = true;
    expect((await m.current()).ok).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect((await m.current()).ok).toBe(true);
  });

  it('shares one running check between concurrent callers', async () => {
    const clock = new FakeClock();
    let release!: () => void;
    let n = 0;
    const m = new XksHealthMonitor(async () => {
      n += 1;
      await new Promise<void>((r) => (release = r));
      return { ok: true, busy: false, tokenLabel: 't', elapsedMs: 1 };
    }, clock);
    const a = m.current();
    const b = m.current();
    release();
    await Promise.all([a, b]);
    expect(n).toBe(1);
  });
});
