import { describe, expect, it } from 'vitest';
import { HsmBusyError, HsmUnavailableError } from '../kms/ports/hsm.js';
import { SessionPool, type PooledSession } from './pool.js';

/** In-memory hooks: sessions are numbered buffers; no PKCS#11 involved (pool logic only). */
function fakeHooks() {
  const state = { generation: 1, opened: 0, closed: [] as number[] };
  return {
    state,
    hooks: {
      open: (): PooledSession => ({ handle: Buffer.from([++state.opened]), generation: state.generation }),
      close: (s: PooledSession) => state.closed.push(s.handle[0]!),
      generation: () => state.generation,
    },
  };
}

describe('SessionPool', () => {
  it('opens sessions lazily up to its size and reuses released ones', async () => {
    const { state, hooks } = fakeHooks();
    const pool = new SessionPool(2, 50, hooks);
    const a = await pool.acquire();
    pool.release(a);
    const b = await pool.acquire();
    expect(b).toBe(a);
    const c = await pool.acquire();
    expect(state.opened).toBe(2);
    pool.release(b);
    pool.release(c);
  });

  it('rejects a waiter with HsmBusyError after waitMs and removes it from the queue', async () => {
    const { hooks } = fakeHooks();
    const pool = new SessionPool(1, 30, hooks);
    const a = await pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(HsmBusyError);
    expect(pool.stats.waiting).toBe(0);
    pool.release(a);
    expect(pool.stats.busy).toBe(0);
  });

  it('hands sessions to waiters in FIFO order', async () => {
    const { hooks } = fakeHooks();
    const pool = new SessionPool(1, 1_000, hooks);
    const first = await pool.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((i) => pool.acquire().then((s) => { order.push(i); pool.release(s); }));
    pool.release(first);
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('closes sessions of an older generation instead of reusing them', async () => {
    const { state, hooks } = fakeHooks();
    const pool = new SessionPool(2, 50, hooks);
    const idle = await pool.acquire();
    const busy = await pool.acquire();
    pool.release(idle);
    state.generation = 2;
    pool.closeIdle();
    expect(state.closed).toEqual([1]);
    pool.release(busy); // stale: closed on release
    expect(state.closed).toEqual([1, 2]);
    expect((await pool.acquire()).generation).toBe(2);
  });

  it('holds waiters while paused and serves them on resume', async () => {
    const { hooks } = fakeHooks();
    const pool = new SessionPool(1, 1_000, hooks);
    pool.pause();
    let served = false;
    const waiting = pool.acquire().then((s) => { served = true; return s; });
    await new Promise((r) => setTimeout(r, 10));
    expect(served).toBe(false);
    pool.resume();
    pool.release(await waiting);
    expect(served).toBe(true);
  });

  it('reports idleness and rejects everything once closed', async () => {
    const { hooks } = fakeHooks();
    const pool = new SessionPool(1, 1_000, hooks);
    const s = await pool.acquire();
    const waiter = pool.acquire();
    const idle = pool.whenIdle(1_000);
    pool.close();
    await expect(waiter).rejects.toBeInstanceOf(HsmUnavailableError);
    pool.release(s);
    await expect(idle).resolves.toBe(true);
    await expect(pool.acquire()).rejects.toBeInstanceOf(HsmUnavailableError);
    await expect(pool.whenIdle(5)).resolves.toBe(true);
  });
});
