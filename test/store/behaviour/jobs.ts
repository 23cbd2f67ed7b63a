import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewJob } from '../../../src/kms/model/lifecycle.js';
import { buildClaimers, claimInChildren, removeClaimers } from '../job-children.js';
import { T0 } from '../fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const job = (n: number, dueAt = T0): NewJob => ({ jobId: `delete-key:k${String(n).padStart(3, '0')}:1`, kind: 'delete-key', keyId: `k${n}`, dueAt });

export function jobBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('scheduler jobs', () => {
    let childDir = '';
    beforeAll(async () => {
      childDir = await buildClaimers();
    });
    afterAll(async () => {
      if (childDir) await removeClaimers(childDir);
    });

    it('inserts each job id once, whatever the number of discoverers', async () => {
      const store = await stores.fresh();
      expect(await store.jobs.ensure([job(1), job(2)], T0)).toBe(2);
      expect(await store.jobs.ensure([job(1), { ...job(2), dueAt: T0 + 99 }, job(3)], T0 + 1)).toBe(1);
      const all = await store.jobs.list();
      expect(all.map((j) => j.jobId)).toStrictEqual([job(1).jobId, job(2).jobId, job(3).jobId]);
      expect(all[1]).toStrictEqual({ ...job(2), createdAt: T0, attempts: 0 });
    });

    it('claims due jobs only, earliest first, and not again while the lease holds', async () => {
      const store = await stores.fresh();
      await store.jobs.ensure([job(1, T0 + 2), job(2, T0 + 1), job(3, T0 + 50)], T0);
      const first = await store.jobs.claim('node-a', T0 + 10, 1000, 10);
      expect(first.map((j) => j.jobId)).toStrictEqual([job(2).jobId, job(1).jobId]);
      expect(first[0]).toMatchObject({ attempts: 1, leaseUntil: T0 + 1010 });
      expect(first[0]!.token).toMatch(/^node-a\//);
      expect(await store.jobs.claim('node-b', T0 + 20, 1000, 10)).toStrictEqual([]);
      expect(await store.jobs.claimOne(job(1).jobId, 'node-b', T0 + 20, 1000)).toBeUndefined();
      // The lease runs out (the holder crashed): another node takes the job over.
      const retaken = await store.jobs.claim('node-b', T0 + 1010, 1000, 1);
      expect(retaken.map((j) => [j.jobId, j.attempts])).toStrictEqual([[job(2).jobId, 2]]);
      // The first holder's token no longer counts.
      expect(await store.jobs.complete(job(2).jobId, first[0]!.token)).toBe(false);
      expect(await store.jobs.setIntent(job(2).jobId, first[0]!.token, 'x')).toBe(false);
      expect(await store.jobs.setIntent(job(2).jobId, retaken[0]!.token, 'material-1')).toBe(true);
      expect((await store.jobs.get(job(2).jobId))!.intent).toBe('material-1');
      expect(await store.jobs.complete(job(2).jobId, retaken[0]!.token)).toBe(true);
      expect(await store.jobs.get(job(2).jobId)).toBeUndefined();
    });

    it('releases a failed job until its retry time and keeps the error', async () => {
      const store = await stores.fresh();
      await store.jobs.ensure([job(1)], T0);
      const [claimed] = await store.jobs.claim('node-a', T0, 60_000, 1);
      expect(await store.jobs.fail(claimed!.jobId, claimed!.token, 'HSM busy', T0 + 500)).toBe(true);
      expect(await store.jobs.claim('node-a', T0 + 499, 60_000, 1)).toStrictEqual([]);
      expect(await store.jobs.get(job(1).jobId)).toMatchObject({ lastError: 'HSM busy', attempts: 1 });
      const [again] = await store.jobs.claim('node-b', T0 + 500, 60_000, 1);
      expect(again).toMatchObject({ jobId: job(1).jobId, attempts: 2 });
      expect(await store.jobs.fail(job(1).jobId, claimed!.token, 'stale holder', T0)).toBe(false);
    });

    it('hands every job to exactly one of two stores claiming at once', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const other = await stores.at(opts);
      const jobs = Array.from({ length: 40 }, (_, i) => job(i));
      await store.jobs.ensure(jobs, T0);
      const drain = async (s: typeof store, owner: string): Promise<string[]> => {
        const ran: string[] = [];
        for (;;) {
          const got = await s.jobs.claim(owner, T0 + 1, 60_000, 3);
          if (got.length === 0) return ran;
          for (const j of got) {
            ran.push(j.jobId);
            expect(await s.jobs.complete(j.jobId, j.token)).toBe(true);
          }
        }
      };
      const [a, b] = await Promise.all([drain(store, 'a'), drain(other, 'b')]);
      expect([...a, ...b].sort()).toStrictEqual(jobs.map((j) => j.jobId).sort());
      expect(await store.jobs.list()).toStrictEqual([]);
    });

    it('hands every job to exactly one of four processes claiming at once', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const jobs = Array.from({ length: 60 }, (_, i) => job(i, 0));
      await store.jobs.ensure(jobs, 0);
      const ran = await claimInChildren(childDir, opts, 4);
      const all = ran.flat();
      expect(all.length).toBe(jobs.length);
      expect(new Set(all).size).toBe(jobs.length);
      // The claims really overlapped: more than one process got work.
      expect(ran.filter((r) => r.length > 0).length).toBeGreaterThan(1);
      expect(await store.jobs.list()).toStrictEqual([]);
    }, 60_000);
  });
}
