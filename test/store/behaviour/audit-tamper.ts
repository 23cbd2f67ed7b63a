/**
 * `audit verify` against a database someone edited behind Strongroom's back: every kind of
 * tampering is detected and the right record (node, sequence number, eventID) is named.
 */
import { describe, expect, it } from 'vitest';
import { chainRecord } from '../../../src/audit/chain.js';
import { verifyChains } from '../../../src/audit/verify.js';
import { databaseSource } from '../../../src/audit/verify-sources.js';
import type { Store } from '../../../src/kms/ports/store.js';
import type { StoreOptions } from '../../../src/store/index.js';
import type { AuditRecordRow } from '../../../src/kms/ports/store-audit.js';
import { NODE, auditLogOn, buildChain, makeEvent, type TestChain } from '../audit-fixtures.js';
import { useStores, type StoreHarness } from '../harness.js';

const lit = (v: unknown): string => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : `'${String(v).replace(/'/g, "''")}'`);

export function auditTamperBehaviour(h: StoreHarness): void {
  const stores = useStores(h);
  const bool = (b: boolean) => (h.kind === 'sqlite' ? (b ? '1' : '0') : b ? 'TRUE' : 'FALSE');

  /** 10 records, digests after 4 and 8, two unsigned at the tail. */
  async function setup(): Promise<{ store: Store; opts: StoreOptions; c: TestChain; ids: string[] }> {
    const { store, opts } = await stores.freshWithOptions();
    const c = await auditLogOn(store);
    const ids = await buildChain(c, 10, [4, 8]);
    return { store, opts, c, ids };
  }
  const sql = (opts: StoreOptions, ...statements: string[]) => statements.reduce((p, s) => p.then(() => h.query(opts, s).then(() => {})), Promise.resolve());
  const verify = (store: Store, c: TestChain) => verifyChains(databaseSource(store.audit), c.signer.key, c.signer.fingerprint);
  const insertRow = (r: AuditRecordRow) =>
    'INSERT INTO audit_records (node_id, seq, hash, prev_hash, body, event_id, event_time, event_name, event_source, recipient_account_id, username, principal_arn, access_key_id, error_code, read_only, resources) VALUES (' +
    [r.nodeId, r.seq, r.hash, r.prevHash, r.body, r.eventId, r.eventTime, r.eventName, r.eventSource, r.recipientAccountId, r.username, r.principalArn, r.accessKeyId, r.errorCode]
      .map(lit)
      .join(', ') +
    `, ${bool(r.readOnly)}, ${lit(JSON.stringify(r.resources))})`;

  describe('audit verify on a tampered database', () => {
    it('passes an untouched chain, noting the records no digest covers yet', async () => {
      const { store, c } = await setup();
      const report = await verify(store, c);
      expect(report).toMatchObject({ ok: true, problems: [], nodes: [{ nodeId: NODE, records: 10, firstSeq: 1, lastSeq: 10, digests: 2, signedThrough: 8 }] });
      expect(report.notes).toStrictEqual([`node ${NODE}: seq 9..10 are not yet covered by a signed digest`]);
    });

    it('names an edited record', async () => {
      const { store, opts, c, ids } = await setup();
      await sql(opts, `UPDATE audit_records SET body = replace(body, '"eventName":"Encrypt"', '"eventName":"ScheduleKeyDeletion"') WHERE seq = 5`);
      const report = await verify(store, c);
      expect(report.ok).toBe(false);
      expect(report.problems[0]).toMatchObject({ kind: 'altered', nodeId: NODE, seq: 5, eventId: ids[4] });
      expect(report.problems[0]!.message).toContain(`seq 5 (eventID ${ids[4]}) was altered`);
    });

    it('names a record whose index column was edited (what LookupEvents filters on)', async () => {
      const { store, opts, c, ids } = await setup();
      await sql(opts, `UPDATE audit_records SET error_code = 'AccessDeniedException' WHERE seq = 3`);
      expect((await verify(store, c)).problems[0]).toMatchObject({ kind: 'altered', seq: 3, eventId: ids[2] });
    });

    it('names a record whose rows in the resources index were removed, renamed or added (what ResourceName lookups use)', async () => {
      for (const edit of [
        'DELETE FROM audit_resources WHERE seq = 7',
        "UPDATE audit_resources SET name = 'some-other-key' WHERE seq = 7",
        "INSERT INTO audit_resources (node_id, seq, arn, name) VALUES ('" + NODE + "', 7, 'arn:aws:kms:eu-west-1:111122223333:key/planted', 'planted')",
      ]) {
        const { store, opts, c, ids } = await setup();
        await sql(opts, edit);
        const p = (await verify(store, c)).problems[0];
        expect(p, edit).toMatchObject({ kind: 'altered', seq: 7, eventId: ids[6] });
        expect(p!.message).toContain('resources index (audit_resources)');
      }
    });

    it('names a deleted record', async () => {
      const { store, opts, c, ids } = await setup();
      await sql(opts, 'DELETE FROM audit_resources WHERE seq = 6', 'DELETE FROM audit_records WHERE seq = 6');
      const p = (await verify(store, c)).problems[0]!;
      expect(p).toMatchObject({ kind: 'missing', seq: 6 });
      expect(p.message).toContain(`seq 6 is missing (between eventID ${ids[4]} and ${ids[6]})`);
    });

    it('names a deleted record when the later ones were renumbered to close the gap', async () => {
      const { store, opts, c } = await setup();
      await sql(
        opts,
        'DELETE FROM audit_resources WHERE seq >= 6',
        'DELETE FROM audit_records WHERE seq = 6',
        'UPDATE audit_records SET seq = -seq WHERE seq > 6',
        'UPDATE audit_records SET seq = -seq - 1 WHERE seq < 0',
      );
      expect((await verify(store, c)).problems[0]).toMatchObject({ kind: 'missing', seq: 6 });
    });

    it('names an inserted record, even one with a correctly computed hash and link', async () => {
      const { store, opts, c } = await setup();
      const [four] = await store.audit.chain(NODE, 3, 1);
      const forged = chainRecord(NODE, 5, four!.hash, makeEvent({ eventName: 'DisableKey', time: four!.eventTime + 1 }), four!.eventTime + 1);
      await sql(
        opts,
        'DELETE FROM audit_resources WHERE seq >= 5',
        'UPDATE audit_records SET seq = -seq WHERE seq >= 5',
        'UPDATE audit_records SET seq = -seq + 1 WHERE seq < 0',
        insertRow(forged),
      );
      expect((await verify(store, c)).problems[0]).toMatchObject({ kind: 'inserted', seq: 5, eventId: forged.eventId });
    });

    it('names reordered records', async () => {
      const { store, opts, c, ids } = await setup();
      await sql(
        opts,
        'DELETE FROM audit_resources WHERE seq IN (4, 5)',
        'UPDATE audit_records SET seq = -1 WHERE seq = 4',
        'UPDATE audit_records SET seq = 4 WHERE seq = 5',
        'UPDATE audit_records SET seq = 5 WHERE seq = -1',
      );
      const p = (await verify(store, c)).problems[0]!;
      expect(p).toMatchObject({ kind: 'reordered', seq: 5, eventId: ids[4] });
      expect(p.message).toContain('is stored at seq 4');
    });

    it('catches a record edited with the rest of the chain re-hashed, through the signed digest', async () => {
      const { store, opts, c } = await setup();
      const rows = await store.audit.chain(NODE, 0, 100);
      let prev = rows[4]!.hash; // seq 5 stays; seq 6.. are rewritten
      const rewritten = rows.slice(5).map((r, i) => {
        const env = JSON.parse(r.body) as { event: ReturnType<typeof makeEvent> };
        if (i === 0) env.event.eventName = 'CancelKeyDeletion';
        const n = chainRecord(NODE, r.seq, prev, env.event, r.eventTime);
        prev = n.hash;
        return n;
      });
      await sql(
        opts,
        ...rewritten.map(
          (n) => `UPDATE audit_records SET body = ${lit(n.body)}, hash = ${lit(n.hash)}, prev_hash = ${lit(n.prevHash)}, event_name = ${lit(n.eventName)} WHERE seq = ${n.seq}`,
        ),
      );
      const report = await verify(store, c);
      expect(report.problems).toHaveLength(1);
      expect(report.problems[0]).toMatchObject({ kind: 'digest-head', digestSeq: 2, seq: 8 });
      expect(report.problems[0]!.message).toContain('a record in seq 5..8 was altered');
    });

    it('catches records deleted from the end that a digest covers', async () => {
      const { store, opts, c } = await setup();
      await sql(opts, 'DELETE FROM audit_resources WHERE seq >= 7', 'DELETE FROM audit_records WHERE seq >= 7');
      expect((await verify(store, c)).problems[0]).toMatchObject({ kind: 'truncated', seq: 7, digestSeq: 2 });
    });

    it('catches deleted first records that no digest anchors', async () => {
      const { store, opts, c } = await setup();
      await sql(opts, 'DELETE FROM audit_resources WHERE seq <= 2', 'DELETE FROM audit_records WHERE seq <= 2');
      expect((await verify(store, c)).problems[0]).toMatchObject({ kind: 'unanchored', seq: 2 });
    });

    it('names a changed digest: its content, a column, its signature, or a digest removed', async () => {
      const cases: Array<[string[], string]> = [
        [[`UPDATE audit_digests SET body = replace(body, '"lastSequence":8', '"lastSequence":9') WHERE digest_seq = 2`], 'digest-altered'],
        [[`UPDATE audit_digests SET head_hash = '${'a'.repeat(64)}' WHERE digest_seq = 2`], 'digest-altered'],
        [[`UPDATE audit_digests SET signature = '${'b'.repeat(128)}' WHERE digest_seq = 2`], 'digest-signature'],
        [['DELETE FROM audit_digests WHERE digest_seq = 1'], 'digest-chain'],
      ];
      for (const [statements, kind] of cases) {
        const { store, opts, c } = await setup();
        await sql(opts, ...statements);
        const report = await verify(store, c);
        expect(report.problems[0], statements[0]).toMatchObject({ kind, nodeId: NODE });
        if (kind !== 'digest-chain') expect(report.problems[0]!.digestSeq).toBe(2);
      }
    });

    it('refuses digests signed by another key', async () => {
      const { store, c } = await setup();
      const other = await auditLogOn(store, { nodeId: 'node-b' });
      await buildChain(other, 2, [2]);
      const report = await verify(store, c);
      expect(report.problems[0]).toMatchObject({ kind: 'digest-signature', nodeId: 'node-b', digestSeq: 1 });
    });
  });
}
