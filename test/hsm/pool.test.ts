import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HsmBusyError, type MaterialRef } from '../../src/kms/ports/hsm.js';
import { createTestHsm } from '../support/softhsm.js';
import { MODES, newMaterial } from './helpers.js';

describe.each(MODES)('session pool under load in %s mode', (mode) => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  let refs: MaterialRef[];

  beforeAll(async () => {
    t = await createTestHsm(mode, { sessionPoolSize: 4, sessionWaitMs: 30_000 });
    refs = [];
    for (let i = 0; i < 10; i += 1) refs.push(await newMaterial(t.hsm));
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('completes 200 concurrent seals on a pool of 4 sessions and opens them all back', async () => {
    let maxOpen = 0;
    const timer = setInterval(() => (maxOpen = Math.max(maxOpen, t.internals.stats().pool.open)), 1);
    try {
      const inputs = Array.from({ length: 200 }, (_, i) => ({ ref: refs[i % refs.length]!, plaintext: randomBytes(1 + (i % 300)), aad: Buffer.from(`ctx-${i}`) }));
      const sealed = await Promise.all(inputs.map((x) => t.hsm.seal(x.ref, x.plaintext, x.aad)));
      const opened = await Promise.all(inputs.map((x, i) => t.hsm.open(x.ref, sealed[i]!, x.aad)));
      opened.forEach((pt, i) => expect(pt.equals(inputs[i]!.plaintext)).toBe(true));
    } finally {
      clearInterval(timer);
    }
    expect(t.internals.stats().pool.open).toBeLessThanOrEqual(4);
    expect(maxOpen).toBeLessThanOrEqual(4);
  });

  it('mixes seals, opens, service secrets, random and material creation concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        switch (i % 4) {
          case 0: {
            const s = await t.hsm.seal(refs[i % 10]!, Buffer.from(`m${i}`), Buffer.alloc(0));
            return (await t.hsm.open(refs[i % 10]!, s, Buffer.alloc(0))).toString() === `m${i}`;
          }
          case 1: {
            const s = await t.hsm.sealServiceSecret(Buffer.from(`s${i}`), Buffer.from('a'));
            return (await t.hsm.openServiceSecret(s, Buffer.from('a'))).toString() === `s${i}`;
          }
          case 2:
            return (await t.hsm.generateRandom(32)).length === 32;
          default: {
            const r = await newMaterial(t.hsm);
            const s = await t.hsm.seal(r, Buffer.from('new'), Buffer.alloc(0));
            return (await t.hsm.open(r, s, Buffer.alloc(0))).toString() === 'new';
          }
        }
      }),
    );
    expect(results.every(Boolean)).toBe(true);
  });
});

describe.each(MODES)('session pool exhaustion in %s mode', (mode) => {
  let t: Awaited<ReturnType<typeof createTestHsm>>;
  let ref: MaterialRef;

  beforeAll(async () => {
    t = await createTestHsm(mode, { sessionPoolSize: 1, sessionWaitMs: 100 });
    ref = await newMaterial(t.hsm);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('rejects a waiter with HsmBusyError after sessionWaitMs while the only session is held', async () => {
    let release!: () => void;
    const held = t.internals.withSession(() => new Promise<void>((r) => (release = r)));
    const started = Date.now();
    await expect(t.hsm.seal(ref, Buffer.from('x'), Buffer.alloc(0))).rejects.toBeInstanceOf(HsmBusyError);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(90);
    expect(waited).toBeLessThan(2_000);
    release();
    await held;
    // The pool is usable again and the timed-out waiter left no trace in the queue.
    expect(t.internals.stats().pool.waiting).toBe(0);
    const sealed = await t.hsm.seal(ref, Buffer.from('x'), Buffer.alloc(0));
    expect((await t.hsm.open(ref, sealed, Buffer.alloc(0))).toString()).toBe('x');
  });

  it('serves waiters first-in first-out', async () => {
    let release!: () => void;
    const held = t.internals.withSession(() => new Promise<void>((r) => (release = r)));
    const order: number[] = [];
    const waiters = [0, 1, 2, 3, 4].map((i) => t.internals.withSession(() => order.push(i)));
    setTimeout(() => release(), 20);
    await Promise.all([held, ...waiters]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('reports health ok:false with the busy detail instead of throwing when no session is free', async () => {
    let release!: () => void;
    const held = t.internals.withSession(() => new Promise<void>((r) => (release = r)));
    const health = await t.hsm.health();
    release();
    await held;
    expect(health.ok).toBe(false);
    expect(health.detail).toMatch(/HsmBusyError/);
    expect((await t.hsm.health()).ok).toBe(true);
  });
});
