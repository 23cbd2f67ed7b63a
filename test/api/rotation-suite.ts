/**
 * Issue 7, rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
 * RotateKeyOnDemand and ListKeyRotations through @aws-sdk/client-kms against a listening server,
 * with the scheduler driven by a ManualClock. Run once per key-storage mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, type TestServer, type TestServerOptions } from '../support/server.js';
import { ManualClock } from '../support/clock.js';
import { errorOf } from '../support/errors.js';
import { auditEvents } from '../support/audit.js';
import { createAccessKey, ensureAccountRoot } from '../../src/kms/identity/access-keys.js';
import type { KeyRecord } from '../../src/kms/model/key.js';

const DAY = 86_400_000;
const OTHER_ACCOUNT = '444455556666';
const OTHER = { accessKeyId: 'AKIAROTATIONOTHER001', secretAccessKey: 'rotation-other-account-secret-000001' };

export function rotationSuite(label: string, options: () => TestServerOptions | Promise<TestServerOptions>): void {
  describe(`key rotation (${label})`, () => {
    let srv: TestServer;
    let kms: KMSClient;
    const clock = new ManualClock();

    beforeAll(async () => {
      srv = await startTestServer({ ...(await options()), clock });
      kms = srv.kms();
      const { store, hsm } = srv.svc.deps;
      const root = await ensureAccountRoot(store, 'aws', OTHER_ACCOUNT, Date.now());
      await createAccessKey(store, hsm, root, OTHER, Date.now());
    });
    afterAll(async () => {
      kms?.destroy();
      await srv?.close();
    });

    async function newKey(): Promise<{ id: string; arn: string }> {
      const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      return { id: md.KeyId!, arn: md.Arn! };
    }
    const current = async (id: string) => (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata!.CurrentKeyMaterialId!;
    const status = (id: string) => kms.send(new GetKeyRotationStatusCommand({ KeyId: id }));

    it('enables automatic rotation with the 365-day default, changes its period and disables it', async () => {
      const { id, arn } = await newKey();
      expect(await status(id)).toMatchObject({ KeyRotationEnabled: false, KeyId: arn });
      const enabledAt = clock.now();
      await kms.send(new EnableKeyRotationCommand({ KeyId: id }));
      const on = await status(arn);
      expect(on).toMatchObject({ KeyRotationEnabled: true, KeyId: arn, RotationPeriodInDays: 365 });
      expect(Math.abs(on.NextRotationDate!.getTime() - (enabledAt + 365 * DAY))).toBeLessThan(60_000);
      expect(on.OnDemandRotationStartDate).toBeUndefined();
      // A new period counts from the date the running period started, not from now.
      clock.advance(10 * DAY);
      await kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 90 }));
      const changed = await status(id);
      expect(changed.RotationPeriodInDays).toBe(90);
      expect(changed.NextRotationDate!.getTime()).toBe(on.NextRotationDate!.getTime() - 275 * DAY);
      await kms.send(new DisableKeyRotationCommand({ KeyId: id }));
      const off = await status(id);
      expect(off).toMatchObject({ KeyRotationEnabled: false });
      expect(off.NextRotationDate).toBeUndefined();
      expect(off.RotationPeriodInDays).toBeUndefined();
      for (const days of [89, 2561]) {
        const err = await errorOf(kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: days })));
        expect(err.name).toBe('ValidationException');
        expect(err.message).toContain(`Value '${days}' at 'rotationPeriodInDays'`);
      }
    });

    it('decrypts a ciphertext made before three rotations after them; ReEncrypt moves it to the current material', async () => {
      const { id, arn } = await newKey();
      const first = await current(id);
      const ct = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('before rotation'), EncryptionContext: { app: 'x' } }))).CiphertextBlob!;
      const seen = [first];
      for (let i = 0; i < 3; i += 1) {
        clock.advance(1000);
        expect(await kms.send(new RotateKeyOnDemandCommand({ KeyId: id }))).toMatchObject({ KeyId: arn });
        const now = await current(id);
        expect(seen).not.toContain(now);
        seen.push(now);
      }
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { app: 'x' } }));
      expect(Buffer.from(dec.Plaintext!).toString()).toBe('before rotation');
      expect(dec.KeyMaterialId).toBe(first);
      const fresh = await kms.send(new EncryptCommand({ KeyId: id, Plaintext: Buffer.from('after') }));
      expect((await kms.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob }))).KeyMaterialId).toBe(seen[3]);
      const moved = await kms.send(
        new ReEncryptCommand({ CiphertextBlob: ct, SourceEncryptionContext: { app: 'x' }, DestinationKeyId: id, DestinationEncryptionContext: { app: 'x' } }),
      );
      expect(moved).toMatchObject({ SourceKeyMaterialId: first, DestinationKeyMaterialId: seen[3] });
      const again = await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { app: 'x' } }));
      expect(again).toMatchObject({ KeyMaterialId: seen[3] });
      expect(Buffer.from(again.Plaintext!).toString()).toBe('before rotation');

      const rotations = await kms.send(new ListKeyRotationsCommand({ KeyId: id }));
      expect(rotations.Truncated).toBe(false);
      expect(rotations.Rotations!.map((r) => [r.KeyMaterialId, r.RotationType, r.KeyMaterialState])).toStrictEqual([
        [seen[1], 'ON_DEMAND', 'NON_CURRENT'],
        [seen[2], 'ON_DEMAND', 'NON_CURRENT'],
        [seen[3], 'ON_DEMAND', 'CURRENT'],
      ]);
      expect(rotations.Rotations!.every((r) => r.KeyId === arn && r.RotationDate instanceof Date && r.ImportState === undefined)).toBe(true);
      const all = await kms.send(new ListKeyRotationsCommand({ KeyId: id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: 2 }));
      expect(all.Truncated).toBe(true);
      expect(all.Rotations!.map((r) => r.KeyMaterialId)).toStrictEqual(seen.slice(0, 2));
      expect(all.Rotations![0]!.RotationType).toBeUndefined();
      const rest = await kms.send(new ListKeyRotationsCommand({ KeyId: id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: 2, Marker: all.NextMarker }));
      expect(rest.Rotations!.map((r) => r.KeyMaterialId)).toStrictEqual(seen.slice(2));
      expect(rest.Truncated).toBe(false);
      // Each on-demand rotation is also a RotateKey service event in the audit trail.
      const events = (await auditEvents(srv)).filter((e) => e.eventName === 'RotateKey' && e.resources?.some((r) => r.ARN === arn));
      expect(events).toHaveLength(3);
    });

    it('rotates automatically when the clock reaches the rotation date, once, and then schedules the next one', async () => {
      const { id } = await newKey();
      const before = await current(id);
      await kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 90 }));
      const due = (await status(id)).NextRotationDate!.getTime();
      clock.advance(89 * DAY);
      await srv.svc.scheduler.runOnce();
      expect(await current(id)).toBe(before);
      clock.advance(DAY + 60_000);
      await srv.svc.scheduler.runOnce();
      await srv.svc.scheduler.runOnce();
      const after = await current(id);
      expect(after).not.toBe(before);
      const list = await kms.send(new ListKeyRotationsCommand({ KeyId: id }));
      expect(list.Rotations!.map((r) => [r.KeyMaterialId, r.RotationType])).toStrictEqual([[after, 'AUTOMATIC']]);
      const next = (await status(id)).NextRotationDate!.getTime();
      expect(next - list.Rotations![0]!.RotationDate!.getTime()).toBeLessThan(90 * DAY + 2000);
      expect(next).toBeGreaterThan(due + 89 * DAY);
      // CloudTrail records automatic rotations as the service event RotateKey (reference §6).
      const rotateEvents = (await auditEvents(srv)).filter((e) => e.eventName === 'RotateKey' && e.resources?.some((r) => r.ARN.endsWith(id)));
      expect(rotateEvents).toHaveLength(1);
      expect(rotateEvents[0]).toMatchObject({ eventType: 'AwsServiceEvent', serviceEventDetails: { keyId: id } });
    });

    it('lets a disabled key wait and rotates it once enabled again; a key pending deletion reports rotation off', async () => {
      const { id, arn } = await newKey();
      const before = await current(id);
      await kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 90 }));
      await kms.send(new DisableKeyCommand({ KeyId: id }));
      expect(await status(id)).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 90 });
      expect(await errorOf(kms.send(new EnableKeyRotationCommand({ KeyId: id })))).toMatchObject({ name: 'DisabledException', message: `${arn} is disabled.` });
      expect(await errorOf(kms.send(new DisableKeyRotationCommand({ KeyId: id })))).toMatchObject({ name: 'DisabledException' });
      expect(await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })))).toMatchObject({ name: 'DisabledException' });
      clock.advance(91 * DAY);
      await srv.svc.scheduler.runOnce();
      expect(await current(id)).toBe(before);
      await kms.send(new EnableKeyCommand({ KeyId: id }));
      await srv.svc.scheduler.runOnce();
      expect(await current(id)).not.toBe(before);

      await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
      expect(await status(id)).toMatchObject({ KeyRotationEnabled: false });
      const pending = `${arn} is pending deletion.`;
      expect(await errorOf(kms.send(new EnableKeyRotationCommand({ KeyId: id })))).toMatchObject({ name: 'KMSInvalidStateException', message: pending });
      expect(await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })))).toMatchObject({ name: 'KMSInvalidStateException', message: pending });
      expect((await kms.send(new ListKeyRotationsCommand({ KeyId: id }))).Rotations).toHaveLength(1);
    });

    it('refuses an on-demand rotation while an automatic one is due within 20 minutes', async () => {
      const { id } = await newKey();
      await kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 90 }));
      clock.advance(90 * DAY - 10 * 60_000);
      const err = await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })));
      expect(err).toMatchObject({
        name: 'ConflictException',
        message: 'The request was rejected because an automatic rotation of this key is currently in progress or scheduled to begin within the next 20 minutes.',
      });
      clock.advance(20 * 60_000);
      await srv.svc.scheduler.runOnce();
      await kms.send(new RotateKeyOnDemandCommand({ KeyId: id }));
      expect((await kms.send(new ListKeyRotationsCommand({ KeyId: id }))).Rotations!.map((r) => r.RotationType)).toStrictEqual(['AUTOMATIC', 'ON_DEMAND']);
    });

    it('allows 25 on-demand rotations per key, then LimitExceededException', async () => {
      const { id, arn } = await newKey();
      for (let i = 0; i < 25; i += 1) await kms.send(new RotateKeyOnDemandCommand({ KeyId: id }));
      const err = await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })));
      expect(err).toMatchObject({
        name: 'LimitExceededException',
        message: `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${arn}`,
      });
      expect((await kms.send(new ListKeyRotationsCommand({ KeyId: id, Limit: 1000 }))).Rotations).toHaveLength(25);
    }, 60_000);

    it('retries a rotation that crashed half-way and leaves no half state behind', async () => {
      const { id } = await newKey();
      const { store, hsm } = srv.svc.deps;
      const before = await store.keys.listMaterials(id);
      const realCommit = store.rotations.commit.bind(store.rotations);
      let crashed = false;
      store.rotations.commit = async () => {
        crashed = true;
        throw new Error('simulated crash after the material was created in the token');
      };
      try {
        await kms.send(new RotateKeyOnDemandCommand({ KeyId: id })); // accepted; the run failed
      } finally {
        store.rotations.commit = realCommit;
      }
      expect(crashed).toBe(true);
      const inProgress = await status(id);
      expect(inProgress.OnDemandRotationStartDate).toBeInstanceOf(Date);
      expect((await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: id })))).name).toBe('ConflictException');
      const [job] = (await store.jobs.list()).filter((j) => j.keyId === id);
      expect(job).toMatchObject({ kind: 'on-demand-rotation', attempts: 1 });
      expect(job!.lastError).toContain('simulated crash');
      const orphan = { keyId: id, materialId: job!.intent! };
      expect(await store.keys.listMaterials(id)).toStrictEqual(before);
      if (hsm.mode === 'token') await hsm.seal(orphan, Buffer.from('x'), Buffer.alloc(0)); // the orphan token object exists

      await srv.svc.scheduler.runOnce();
      expect((await store.jobs.get(job!.jobId))?.attempts).toBe(1); // not before its retry time
      clock.advance(31_000);
      await srv.svc.scheduler.runOnce();
      expect(await store.jobs.get(job!.jobId)).toBeUndefined();
      expect((await status(id)).OnDemandRotationStartDate).toBeUndefined();
      const after = await store.keys.listMaterials(id);
      expect(after).toHaveLength(2);
      expect(after.map((m) => m.materialId)).not.toContain(orphan.materialId);
      expect(after.filter((m) => m.state === 'CURRENT')).toHaveLength(1);
      await expect(hsm.seal(orphan, Buffer.from('x'), Buffer.alloc(0))).rejects.toThrow();
      expect((await store.rotations.get(id))!.onDemandCount).toBe(1);
    });

    it('takes over a job whose holder died after claiming it, once its lease has run out', async () => {
      const { id } = await newKey();
      const { store } = srv.svc.deps;
      const startedAt = clock.now();
      const jobId = `on-demand-rotation:${id}:${startedAt}`;
      const job = { jobId, kind: 'on-demand-rotation' as const, keyId: id, dueAt: startedAt, payload: JSON.stringify({ startedAt }) };
      expect(await store.rotations.startOnDemand(id, startedAt, 25, job)).toBe('ok');
      expect(await store.jobs.claimOne(jobId, 'node-that-dies', startedAt, 5 * 60_000)).toBeDefined();
      await srv.svc.scheduler.runOnce();
      expect((await store.keys.listMaterials(id))).toHaveLength(1);
      clock.advance(5 * 60_000);
      const run = await srv.svc.scheduler.runOnce();
      expect(run.jobs.find((j) => j.jobId === jobId)?.outcome).toBe('done');
      expect((await store.keys.listMaterials(id))).toHaveLength(2);
    });

    it('refuses rotation of keys that cannot rotate with UnsupportedOperationException or the state error', async () => {
      const external = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
      const notValid = `${external.Arn} origin is EXTERNAL which is not valid for this operation.`;
      expect(await errorOf(kms.send(new EnableKeyRotationCommand({ KeyId: external.KeyId })))).toMatchObject({ name: 'UnsupportedOperationException', message: notValid });
      expect(await errorOf(kms.send(new DisableKeyRotationCommand({ KeyId: external.KeyId })))).toMatchObject({ name: 'UnsupportedOperationException', message: notValid });
      expect(await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: external.KeyId })))).toMatchObject({
        name: 'KMSInvalidStateException', message: `${external.Arn} is pending import.`,
      });
      expect(await status(external.KeyId!)).toMatchObject({ KeyRotationEnabled: false });

      // An asymmetric signing key, written straight into the store: rotation never applies to it.
      const template = await srv.svc.deps.store.keys.get(external.KeyId!);
      const rsa: KeyRecord = {
        ...template!, keyId: '00000000-0000-4000-8000-0000000000a1', arn: external.Arn!.replace(external.KeyId!, '00000000-0000-4000-8000-0000000000a1'),
        origin: 'AWS_KMS', keyState: 'Enabled', keySpec: 'RSA_2048', keyUsage: 'SIGN_VERIFY',
      };
      await srv.svc.deps.store.keys.create(rsa, undefined, []);
      // Thunks, not promises: each call is sent only when its error is awaited.
      for (const call of [
        () => kms.send(new EnableKeyRotationCommand({ KeyId: rsa.keyId })),
        () => kms.send(new GetKeyRotationStatusCommand({ KeyId: rsa.keyId })),
        () => kms.send(new RotateKeyOnDemandCommand({ KeyId: rsa.keyId })),
        () => kms.send(new ListKeyRotationsCommand({ KeyId: rsa.keyId })),
      ]) {
        expect((await errorOf(call())).name).toBe('UnsupportedOperationException');
      }
    });

    it('answers bad identifiers, markers and limits with the AWS errors', async () => {
      const { id, arn } = await newKey();
      const missing = arn.replace(id, '11111111-2222-4333-8444-555555555555');
      expect(await errorOf(kms.send(new GetKeyRotationStatusCommand({ KeyId: missing })))).toMatchObject({ name: 'NotFoundException', message: `Key '${missing}' does not exist` });
      expect((await errorOf(kms.send(new EnableKeyRotationCommand({ KeyId: 'alias/anything' })))).name).toBe('NotFoundException');
      expect((await errorOf(kms.send(new RotateKeyOnDemandCommand({ KeyId: 'not-a-key-id' })))).name).toBe('NotFoundException');
      expect((await errorOf(kms.send(new ListKeyRotationsCommand({ KeyId: id, Marker: 'bm90LW91cnM' })))).name).toBe('InvalidMarkerException');
      const forged = Buffer.from('sr1:not-a-cursor').toString('base64url');
      expect((await errorOf(kms.send(new ListKeyRotationsCommand({ KeyId: id, Marker: forged })))).name).toBe('InvalidMarkerException');
      expect((await errorOf(kms.send(new ListKeyRotationsCommand({ KeyId: id, Limit: 1001 })))).name).toBe('ValidationException');
    });

    it('denies callers of another account (GetKeyRotationStatus is cross-account, the others are not)', async () => {
      const { id, arn } = await newKey();
      const other = srv.kms(OTHER);
      try {
        const err = await errorOf(other.send(new GetKeyRotationStatusCommand({ KeyId: arn })));
        expect(err.name).toBe('AccessDeniedException');
        expect(err.message).toContain('kms:GetKeyRotationStatus');
        for (const call of [
          () => other.send(new EnableKeyRotationCommand({ KeyId: arn })),
          () => other.send(new RotateKeyOnDemandCommand({ KeyId: arn })),
          () => other.send(new ListKeyRotationsCommand({ KeyId: arn })),
        ]) {
          expect((await errorOf(call())).name).toBe('NotFoundException');
        }
        expect((await errorOf(other.send(new RotateKeyOnDemandCommand({ KeyId: id })))).name).toBe('NotFoundException');
      } finally {
        other.destroy();
      }
      expect(await current(id)).toBe((await srv.svc.deps.store.keys.get(id))!.currentMaterialId);
      expect(TEST_ACCOUNT).not.toBe(OTHER_ACCOUNT);
    });
  });
}
