import { describe, expect, it } from 'vitest';
import { chainRecord, parseRecordBody } from '../../../src/audit/chain.js';
import { GENESIS_HASH } from '../../../src/audit/canonical.js';
import { verifyChains } from '../../../src/audit/verify.js';
import { databaseSource } from '../../../src/audit/verify-sources.js';
import type { AuditRecordRow } from '../../../src/kms/ports/store-audit.js';
import { ACCOUNT, T0 } from '../fixtures.js';
import { ACCESS_KEY, KEY_ARN, KEY_ID, NODE, auditLogOn, buildChain, makeEvent } from '../audit-fixtures.js';
import { countRows, useStores, type StoreHarness } from '../harness.js';

function rows(n: number, nodeId = NODE): AuditRecordRow[] {
  const out: AuditRecordRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i += 1) {
    const r = chainRecord(nodeId, i, prev, makeEvent({ time: T0 + i * 1000 }), T0 + i * 1000);
    out.push(r);
    prev = r.hash;
  }
  return out;
}

export function auditBehaviour(h: StoreHarness): void {
  const stores = useStores(h);

  describe('audit records', () => {
    it('writes a batch and reads it back unchanged, with the head of the chain', async () => {
      const store = await stores.fresh();
      expect(await store.audit.head(NODE)).toStrictEqual({ lastSeq: 0, lastHash: GENESIS_HASH });
      const batch = rows(3);
      await store.audit.append(batch);
      expect(await store.audit.chain(NODE, 0, 10)).toStrictEqual(batch);
      expect(await store.audit.chain(NODE, 1, 1)).toStrictEqual([batch[1]]);
      expect(await store.audit.head(NODE)).toStrictEqual({ lastSeq: 3, lastHash: batch[2]!.hash });
      expect(await store.audit.nodes()).toStrictEqual([NODE]);
      expect(await store.audit.seqOfHash(NODE, batch[1]!.hash)).toBe(2);
      expect(await store.audit.seqOfHash(NODE, 'f'.repeat(64))).toBeUndefined();
    });

    it('writes a batch all or nothing: a sequence number already taken rolls the whole batch back', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const batch = rows(3);
      await store.audit.append(batch.slice(0, 2));
      await expect(store.audit.append(batch.slice(1))).rejects.toThrow();
      expect(await countRows(h, opts, 'audit_records')).toBe(2);
      expect(await countRows(h, opts, 'audit_resources')).toBe(2);
    });

    it('looks events up newest first by account, name, resource, principal, access key, error and time', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store);
      const other = '444455556666';
      const events = [
        makeEvent({ time: T0 + 1000, eventName: 'CreateKey' }),
        makeEvent({ time: T0 + 2000, principal: 'alice', accessKeyId: 'AKIAALICE00000000001' }),
        makeEvent({ time: T0 + 3000, eventName: 'Decrypt', error: { code: 'AccessDeniedException', message: 'no' } }),
        makeEvent({ time: T0 + 4000, accountId: other }),
        makeEvent({ time: T0 + 5000, eventName: 'ListKeys', resources: [] }),
      ];
      for (const e of events) await c.log.append(e, Date.parse(e.eventTime));
      const ids = async (q: Partial<Parameters<typeof store.audit.lookup>[0]>) =>
        (await store.audit.lookup({ accountId: ACCOUNT, limit: 50, ...q })).map((r) => r.eventId);
      const [create, alice, denied, foreign, list] = events.map((e) => e.eventID);
      expect(await ids({})).toStrictEqual([list, denied, alice, create]);
      expect(await ids({ accountId: other })).toStrictEqual([foreign]);
      expect(await ids({ eventName: 'Decrypt' })).toStrictEqual([denied]);
      expect(await ids({ resourceName: KEY_ARN })).toStrictEqual([denied, alice, create]);
      expect(await ids({ resourceName: KEY_ID })).toStrictEqual([denied, alice, create]);
      expect(await ids({ hasResource: true })).toStrictEqual([denied, alice, create]);
      expect(await ids({ username: 'alice' })).toStrictEqual([alice]);
      expect(await ids({ username: `arn:aws:iam::${ACCOUNT}:user/alice` })).toStrictEqual([alice]);
      expect(await ids({ username: 'root' })).toStrictEqual([list, denied, create]);
      expect(await ids({ accessKeyId: ACCESS_KEY })).toStrictEqual([list, denied, create]);
      expect(await ids({ errorCode: 'AccessDeniedException' })).toStrictEqual([denied]);
      expect(await ids({ readOnly: false })).toStrictEqual([create]);
      expect(await ids({ eventId: alice! })).toStrictEqual([alice]);
      expect(await ids({ eventSource: 'cloudtrail.amazonaws.com' })).toStrictEqual([]);
      expect(await ids({ startTime: T0 + 2000, endTime: T0 + 3000 })).toStrictEqual([denied, alice]);
    });

    it('pages newest first without repeats or gaps when records are added between pages', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store);
      const first = await buildChain(c, 5);
      const page1 = await store.audit.lookup({ accountId: ACCOUNT, limit: 2 });
      expect(page1.map((r) => r.eventId)).toStrictEqual([first[4], first[3]]);
      await buildChain(c, 2); // newer records do not shift older pages
      const last = page1[1]!;
      const page2 = await store.audit.lookup({ accountId: ACCOUNT, limit: 2, before: { eventTime: last.eventTime, nodeId: last.nodeId, seq: last.seq } });
      expect(page2.map((r) => r.eventId)).toStrictEqual([first[2], first[1]]);
      const l2 = page2[1]!;
      const page3 = await store.audit.lookup({ accountId: ACCOUNT, limit: 2, before: { eventTime: l2.eventTime, nodeId: l2.nodeId, seq: l2.seq } });
      expect(page3.map((r) => r.eventId)).toStrictEqual([first[0]]);
    });

    it('reads a time range by node and sequence, resuming after a position', async () => {
      const store = await stores.fresh();
      const a = await auditLogOn(store, { nodeId: 'a' });
      const b = await auditLogOn(store, { nodeId: 'b' });
      await buildChain(a, 3);
      await buildChain(b, 2);
      const all = await store.audit.range(T0, T0 + 10_000, undefined, 10);
      expect(all.map((r) => `${r.nodeId}:${r.seq}`)).toStrictEqual(['a:1', 'a:2', 'a:3', 'b:1', 'b:2']);
      const rest = await store.audit.range(T0, T0 + 10_000, { nodeId: 'a', seq: 3 }, 10);
      expect(rest.map((r) => `${r.nodeId}:${r.seq}`)).toStrictEqual(['b:1', 'b:2']);
      expect((await store.audit.range(T0 + 2000, T0 + 3000, undefined, 10)).map((r) => `${r.nodeId}:${r.seq}`)).toStrictEqual(['a:2', 'b:2']);
      expect(await store.audit.nodes()).toStrictEqual(['a', 'b']);
    });
  });

  describe('audit log on the store', () => {
    it('group-commits 200 concurrent records in far fewer transactions, all present and chained', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store);
      const append = store.audit.append.bind(store.audit);
      let transactions = 0;
      store.audit.append = async (records, digest) => {
        transactions += 1;
        return append(records, digest);
      };
      const events = Array.from({ length: 200 }, (_, i) => makeEvent({ time: T0 + i }));
      await Promise.all(events.map((e) => c.log.append(e)));
      expect(transactions).toBeLessThanOrEqual(20);
      const stored = await store.audit.chain(NODE, 0, 1000);
      expect(stored.map((r) => r.seq)).toStrictEqual(events.map((_, i) => i + 1));
      expect(new Set(stored.map((r) => r.eventId))).toStrictEqual(new Set(events.map((e) => e.eventID)));
      await c.log.digests.writeNow('test');
      const report = await verifyChains(databaseSource(store.audit), c.signer.key, c.signer.fingerprint);
      expect(report).toMatchObject({ ok: true, nodes: [{ nodeId: NODE, records: 200, digests: 1, signedThrough: 200 }] });
    });

    it('continues the chain of its node after a restart', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store);
      await buildChain(c, 3, [3]);
      await c.log.close();
      const again = await auditLogOn(store, { signer: c.signer });
      await buildChain(again, 2, [2]);
      const report = await verifyChains(databaseSource(store.audit), c.signer.key, c.signer.fingerprint);
      expect(report).toMatchObject({ ok: true, nodes: [{ records: 5, digests: 2, signedThrough: 5 }] });
    });

    it('refuses while the store fails, keeps the records, and writes them once it works again', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store);
      await buildChain(c, 2);
      const append = store.audit.append.bind(store.audit);
      store.audit.append = async () => {
        throw new Error('disk full');
      };
      const refused = makeEvent({ eventName: 'GenerateDataKey' });
      await expect(c.log.append(refused)).rejects.toThrow('could not be written');
      expect(c.log.admit()).toBe(false);
      expect(c.log.status()).toMatchObject({ ok: false, pending: 1, detail: 'audit store write failed: disk full' });
      store.audit.append = append;
      await expect.poll(() => c.log.admit(), { timeout: 10_000 }).toBe(true);
      const stored = await store.audit.chain(NODE, 0, 10);
      expect(stored.map((r) => r.eventId)).toContain(refused.eventID);
      const body = JSON.parse(stored[2]!.body) as { event: { additionalEventData?: unknown } };
      expect(body.event.additionalEventData).toStrictEqual({ auditResponseWithheld: true });
      await c.log.digests.writeNow('test');
      expect((await verifyChains(databaseSource(store.audit), c.signer.key, c.signer.fingerprint)).problems).toStrictEqual([]);
    });

    it('does not write a batch twice when a write reported failure after committing', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store);
      const append = store.audit.append.bind(store.audit);
      let once = true;
      store.audit.append = async (records, digest) => {
        await append(records, digest);
        if (once) {
          once = false;
          throw new Error('connection lost after COMMIT');
        }
      };
      const refused = makeEvent();
      await expect(c.log.append(refused)).rejects.toThrow();
      await expect.poll(() => c.log.admit(), { timeout: 10_000 }).toBe(true);
      await c.log.append(makeEvent());
      // Written once; its caller was refused, so the AuditResponseWithheld follow-up names it.
      const events = (await store.audit.chain(NODE, 0, 10)).map((r) => parseRecordBody(r.body).event);
      expect(events.filter((e) => e.eventID === refused.eventID)).toHaveLength(1);
      expect(events.map((e) => e.eventName)).toStrictEqual(['Encrypt', 'AuditResponseWithheld', 'Encrypt']);
      expect(events[1]!.serviceEventDetails).toStrictEqual({ eventIds: [refused.eventID] });
    });

    it('fails a record that is not durable in time at once, and recovers when the write completes', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store, { writeTimeoutMs: 50 });
      const append = store.audit.append.bind(store.audit);
      let release!: () => void;
      const stuck = new Promise<void>((r) => (release = r));
      store.audit.append = async (records, digest) => {
        await stuck;
        return append(records, digest);
      };
      const event = makeEvent();
      await expect(c.log.append(event)).rejects.toThrow('not durable within 50 ms');
      expect(c.log.status()).toMatchObject({ ok: false, detail: 'audit write timed out' });
      store.audit.append = append;
      release();
      await expect.poll(() => c.log.admit(), { timeout: 10_000 }).toBe(true);
      // The record went in as written (a success); its caller got an error, so a follow-up names it.
      await expect.poll(async () => (await store.audit.chain(NODE, 0, 10)).length, { timeout: 10_000 }).toBe(2);
      const [written, followUp] = (await store.audit.chain(NODE, 0, 10)).map((r) => parseRecordBody(r.body).event);
      expect(written).toMatchObject({ eventID: event.eventID, eventName: 'Encrypt' });
      expect(written!.errorCode).toBeUndefined();
      expect(followUp).toMatchObject({
        eventName: 'AuditResponseWithheld',
        eventType: 'AwsServiceEvent',
        recipientAccountId: ACCOUNT,
        serviceEventDetails: { eventIds: [event.eventID] },
      });
    });

    it('writes no follow-up when the caller was answered as its record says', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store, { writeTimeoutMs: 5_000 });
      await c.log.append(makeEvent());
      await c.log.append(makeEvent({ error: { code: 'NotFoundException', message: 'x' } }));
      expect((await store.audit.chain(NODE, 0, 10)).map((r) => r.eventName)).toStrictEqual(['Encrypt', 'Encrypt']);
    });

    it('signs digests on its own every digestIntervalMs, each covering what was written since the last', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store, { digestIntervalMs: 50 });
      try {
        for (let i = 0; i < 3; i++) await c.log.append(makeEvent());
        await expect.poll(async () => (await store.audit.digests(NODE)).map((d) => [d.firstSeq, d.lastSeq]), { timeout: 10_000 }).toStrictEqual([[1, 3]]);
        for (let i = 0; i < 2; i++) await c.log.append(makeEvent());
        await expect.poll(async () => (await store.audit.digests(NODE)).map((d) => [d.firstSeq, d.lastSeq]), { timeout: 10_000 }).toStrictEqual([[1, 3], [4, 5]]);
        expect((await verifyChains(databaseSource(store.audit), c.signer.key, c.signer.fingerprint)).problems).toStrictEqual([]);
      } finally {
        await c.log.close();
      }
    });

    it('applies retentionDays when it signs a digest: records a digest older than the cutoff covers go', async () => {
      const store = await stores.fresh();
      const c = await auditLogOn(store, { retentionDays: 1 });
      await buildChain(c, 4, [2]);
      c.clock.t += 2 * 86_400_000;
      await c.log.append(makeEvent({ time: c.clock.t }), c.clock.t);
      expect(await c.log.digests.writeNow('test')).toBe(true);
      expect((await store.audit.chain(NODE, 0, 10)).map((r) => r.seq)).toStrictEqual([3, 4, 5]);
      expect((await verifyChains(databaseSource(store.audit), c.signer.key, c.signer.fingerprint)).problems).toStrictEqual([]);
    });

    it('prunes only records a signed digest older than the cutoff covers, and what remains still verifies', async () => {
      const { store, opts } = await stores.freshWithOptions();
      const c = await auditLogOn(store);
      await buildChain(c, 6, [2, 4]);
      const digest2Time = c.clock.t - 2 * 1000; // digest #2 was written right after record 4
      expect(await store.audit.prune(NODE, T0)).toStrictEqual({ records: 0, digests: 0 });
      expect(await store.audit.prune(NODE, digest2Time + 1)).toStrictEqual({ records: 4, digests: 1 });
      expect((await store.audit.chain(NODE, 0, 10)).map((r) => r.seq)).toStrictEqual([5, 6]);
      expect(await countRows(h, opts, 'audit_resources')).toBe(2);
      expect((await store.audit.digests(NODE)).map((d) => d.digestSeq)).toStrictEqual([2]);
      const report = await verifyChains(databaseSource(store.audit), c.signer.key, c.signer.fingerprint);
      expect(report.ok).toBe(true);
      expect(report.notes.join('\n')).toContain('chain starts at seq 5, anchored by the signed digest covering seq 4');
      // With every record pruned, the anchor digest still carries the head of the chain.
      await c.log.digests.writeNow('test');
      expect(await store.audit.prune(NODE, c.clock.t + 1)).toStrictEqual({ records: 2, digests: 1 });
      expect(await store.audit.head(NODE)).toMatchObject({ lastSeq: 6, lastDigest: { digestSeq: 3, lastSeq: 6 } });
    });
  });
}
