/**
 * Issue 7: two schedulers on one database — each with its own connections, as two Strongroom
 * nodes would have — race through the same due work (automatic rotations and key deletions), on
 * PostgreSQL and on SQLite, against a real SoftHSM token. Every job must happen exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KmsDeps } from '../../src/kms/context.js';
import type { KeyRecord } from '../../src/kms/model/key.js';
import type { Store } from '../../src/kms/ports/store.js';
import { DEFAULT_SETTINGS } from '../../src/kms/context.js';
import { newMaterialId } from '../../src/lib/ids.js';
import { openStore, type StoreOptions } from '../../src/store/index.js';
import { Scheduler } from '../../src/kms/scheduler/scheduler.js';
import type { LifecycleEvent } from '../../src/kms/scheduler/types.js';
import { createTestHsm } from '../support/softhsm.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { ManualClock } from '../support/clock.js';
import { DEFAULT_LEASE_MS } from '../../src/kms/scheduler/run-job.js';

const DAY = 86_400_000;
const ACCOUNT = '111122223333';

type TestHsm = Awaited<ReturnType<typeof createTestHsm>>;

async function seed(store: Store, hsm: TestHsm['hsm'], now: number, state: 'rotate' | 'delete'): Promise<KeyRecord> {
  const keyId = randomUUID();
  const materialId = newMaterialId();
  const generated = await hsm.generateSymmetricMaterial(keyId, materialId);
  const key: KeyRecord = {
    keyId, accountId: ACCOUNT, region: 'us-east-1', arn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`, description: '',
    keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', keyState: state === 'rotate' ? 'Enabled' : 'PendingDeletion',
    creationDate: now - 100 * DAY, policy: '{"Version":"2012-10-17","Statement":[]}', multiRegion: false, currentMaterialId: materialId,
    ...(state === 'delete' ? { deletionDate: now - 1000, pendingWindowInDays: 7 } : {}),
  };
  await store.keys.create(key, { keyId, materialId, createdAt: key.creationDate, storage: hsm.mode, wrapped: generated.wrapped, state: 'CURRENT' }, []);
  if (state === 'rotate') await store.rotations.configure(keyId, { enabled: true, periodDays: 90, periodAnchorAt: now - 91 * DAY, nextRotationAt: now - DAY });
  return key;
}

describe('two schedulers on one database', () => {
  let t: TestHsm;
  let pg: TestPostgres | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    t = await createTestHsm('token');
  });
  afterAll(async () => {
    await t?.cleanup();
    await pg?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function location(kind: 'postgres' | 'sqlite'): Promise<StoreOptions> {
    if (kind === 'postgres') {
      pg ??= await startTestPostgres();
      return { databaseUrl: await pg.fresh() };
    }
    const dir = mkdtempSync(join(tmpdir(), 'strongroom-race-'));
    dirs.push(dir);
    return { sqlitePath: join(dir, 'strongroom.db') };
  }

  it.each(['postgres', 'sqlite'] as const)('runs each rotation and each deletion exactly once (%s)', async (kind) => {
    const opts = await location(kind);
    const stores = [await openStore(opts), await openStore(opts)];
    try {
      const clock = new ManualClock();
      const now = clock.now();
      const rotating = await Promise.all(Array.from({ length: 12 }, () => seed(stores[0]!, t.hsm, now, 'rotate')));
      const deleting = await Promise.all(Array.from({ length: 6 }, () => seed(stores[0]!, t.hsm, now, 'delete')));
      const events: Array<{ node: number; e: LifecycleEvent }> = [];
      const schedulers = stores.map((store, node) => {
        const deps: KmsDeps = { store, hsm: t.hsm, clock, settings: DEFAULT_SETTINGS };
        return new Scheduler(deps, { owner: `node-${node}`, batch: 2, onEvent: (e) => void events.push({ node, e }) });
      });
      const ran: string[][] = [[], []];
      await Promise.all(
        schedulers.map(async (s, node) => {
          for (;;) {
            const run = await s.runOnce();
            ran[node]!.push(...run.jobs.filter((j) => j.outcome === 'done').map((j) => j.jobId));
            if (run.jobs.length === 0) return;
          }
        }),
      );
      // A job that lost a race between the nodes (outcome 'failed') is retried once its lease or
      // retry time has passed — that is the crash/retry contract, so finish those rounds too.
      for (let round = 0; round < 10 && (await stores[0]!.jobs.list()).length > 0; round++) {
        clock.advance(DEFAULT_LEASE_MS + 1000);
        for (let node = 0; node < 2; node++) {
          const run = await schedulers[node]!.runOnce();
          ran[node]!.push(...run.jobs.filter((j) => j.outcome === 'done').map((j) => j.jobId));
        }
      }
      // Both nodes did work, and no job was done by both.
      expect(ran[0]!.length).toBeGreaterThan(0);
      expect(ran[1]!.length).toBeGreaterThan(0);
      const done = [...ran[0]!, ...ran[1]!];
      expect(new Set(done).size).toBe(done.length);
      expect(done).toHaveLength(rotating.length + deleting.length);

      for (const key of rotating) {
        const materials = await stores[1]!.keys.listMaterials(key.keyId);
        expect(materials.map((m) => m.state)).toStrictEqual(['NON_CURRENT', 'CURRENT']);
        const rotations = await stores[1]!.rotations.listMaterials(key.keyId, true, { limit: 10 });
        expect(rotations.items.map((v) => v.details?.rotationType)).toStrictEqual(['AUTOMATIC']);
        expect((await stores[1]!.rotations.get(key.keyId))!.nextRotationAt).toBeGreaterThan(now + 89 * DAY);
        expect(events.filter(({ e }) => e.eventName === 'RotateKey' && e.key.keyId === key.keyId)).toHaveLength(1);
      }
      for (const key of deleting) {
        expect(await stores[1]!.keys.get(key.keyId)).toBeUndefined();
        expect(events.filter(({ e }) => e.eventName === 'DeleteKey' && e.key.keyId === key.keyId)).toHaveLength(1);
      }
      expect(await stores[0]!.jobs.list()).toStrictEqual([]);
      // Another pass later finds nothing more to do.
      const again = await schedulers[1]!.runOnce();
      expect(again.jobs.filter((j) => j.outcome === 'done')).toStrictEqual([]);
    } finally {
      for (const s of stores) await s.close();
    }
  }, 120_000);
});
