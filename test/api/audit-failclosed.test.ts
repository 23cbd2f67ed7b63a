/**
 * Issue 6, fail-closed: an operation whose audit record cannot be made durable does not return
 * success, a stuck audit write gives fast KMSInternalException errors and a not-ready node
 * (never a hang), nothing is lost, and 200 concurrent requests are group-committed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CreateKeyCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { auditEvents, auditRows, verifyServer } from '../support/audit.js';
import { errorOf } from '../support/errors.js';
import type { AuditRepository } from '../../src/kms/ports/store-audit.js';

async function readyz(srv: TestServer): Promise<{ status: number; body: { status: string; audit?: { ok: boolean; detail?: string } } }> {
  const r = await fetch(`${srv.url}/readyz`);
  return { status: r.status, body: (await r.json()) as { status: string; audit?: { ok: boolean; detail?: string } } };
}

describe('fail-closed audit', () => {
  let srv: TestServer;
  let kms: KMSClient;
  let keyId: string;
  let realAppend: AuditRepository['append'];

  beforeAll(async () => {
    srv = await startTestServer({ env: { STRONGROOM_AUDIT_WRITE_TIMEOUT_MS: '300' } });
    kms = srv.kms();
    keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const repo = srv.svc.deps.store.audit;
    realAppend = repo.append.bind(repo);
  });
  afterEach(async () => {
    srv.svc.deps.store.audit.append = realAppend;
    await expect.poll(() => srv.svc.audit.log.admit(), { timeout: 10_000 }).toBe(true);
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  it('refuses Encrypt with KMSInternalException when its record cannot be written, and loses no record', async () => {
    const before = (await auditRows(srv)).length;
    srv.svc.deps.store.audit.append = async () => {
      throw new Error('SQLITE_FULL: database or disk is full');
    };
    const err = await errorOf(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('must not escape') })));
    expect(err).toMatchObject({ name: 'KMSInternalException', status: 500, message: 'The request could not be recorded in the audit log. Retry the request.' });
    // While the store fails, requests are refused before they run, fast.
    const next = await errorOf(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })));
    expect(next).toMatchObject({ name: 'KMSInternalException', message: 'The audit log is unavailable; the request was not performed. Retry the request.' });
    const ready = await readyz(srv);
    expect(ready.status).toBe(503);
    expect(ready.body.audit).toMatchObject({ ok: false, detail: 'audit store write failed: SQLITE_FULL: database or disk is full' });

    srv.svc.deps.store.audit.append = realAppend;
    await expect.poll(() => srv.svc.audit.log.admit(), { timeout: 10_000 }).toBe(true);
    expect((await readyz(srv)).status).toBe(200);
    const events = (await auditEvents(srv)).slice(before);
    // Both requests are on record: the Encrypt that ran (its answer withheld) and the refusal.
    expect(events.map((e) => [e.eventName, e.errorCode ?? null, e.additionalEventData ?? null])).toStrictEqual([
      ['Encrypt', null, { auditResponseWithheld: true }],
      ['Encrypt', 'KMSInternalException', null],
    ]);
    expect((await verifyServer(srv)).problems).toStrictEqual([]);
    // And the service works again.
    await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('ok again') }));
  });

  it('turns a stuck audit write into fast errors and a not-ready node, never a hang', async () => {
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    srv.svc.deps.store.audit.append = async (records, digest) => {
      await stuck;
      return realAppend(records, digest);
    };
    const err = await errorOf(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })));
    expect(err).toMatchObject({ name: 'KMSInternalException', status: 500 });
    expect(await readyz(srv)).toMatchObject({ status: 503, body: { status: 'not ready', audit: { ok: false, detail: 'audit write timed out' } } });
    srv.svc.deps.store.audit.append = realAppend;
    release();
    await expect.poll(() => srv.svc.audit.log.admit(), { timeout: 10_000 }).toBe(true);
    expect((await verifyServer(srv)).problems).toStrictEqual([]);
  });

  it('group-commits 200 concurrent Encrypt requests: every record present, the chain valid', async () => {
    const before = (await auditRows(srv)).length;
    let transactions = 0;
    srv.svc.deps.store.audit.append = async (records, digest) => {
      transactions += 1;
      return realAppend(records, digest);
    };
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(`m${i}`) }))),
    );
    const ms = Date.now() - started;
    expect(results).toHaveLength(200);
    const rows = (await auditRows(srv)).slice(before);
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => JSON.parse(r.body).event.requestID))).toStrictEqual(new Set(results.map((r) => r.$metadata.requestId)));
    expect(transactions).toBeLessThan(200);
    // For the record (not asserted): how many records share a durable write, and the rate.
    console.log(`audit group commit: 200 Encrypt in ${ms} ms, ${transactions} transactions (${(200 / transactions).toFixed(1)} records each)`);
    await srv.svc.audit.log.digests.writeNow('test');
    const report = await verifyServer(srv);
    expect(report.problems).toStrictEqual([]);
    expect(report.notes).toStrictEqual([]);
  });
});

describe('fail-closed audit sink', () => {
  it('refuses requests while the sink file cannot be written, and keeps every record in the store', async () => {
    const srv = await startTestServer({ env: { STRONGROOM_AUDIT_SINK_FILE: '/dev/full', STRONGROOM_AUDIT_WRITE_TIMEOUT_MS: '300' } });
    const kms = srv.kms();
    try {
      const err = await errorOf(kms.send(new CreateKeyCommand({})));
      expect(err).toMatchObject({ name: 'KMSInternalException', status: 500 });
      expect((await readyz(srv)).body.audit).toMatchObject({ ok: false, detail: expect.stringContaining('audit sink write failed') });
      // The store has the record of the CreateKey that ran.
      expect((await auditEvents(srv)).map((e) => e.eventName)).toStrictEqual(['CreateKey']);
    } finally {
      kms.destroy();
      await srv.close();
    }
  });
});
