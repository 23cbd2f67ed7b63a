/**
 * Issue 5: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant through
 * @aws-sdk/client-kms: Name idempotency, tokens, constraints, the operations a key type allows,
 * who may retire or revoke, delegation of CreateGrant, DryRun, and the 50,000-per-key quota.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  ListGrantsCommand,
  ListRetirableGrantsCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
  type GrantOperation,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { ACCOUNT_A, ACCOUNT_B, arnOf, buildWorld, denied, type World } from '../support/authz-world.js';

const BOB = arnOf.user(ACCOUNT_A, 'bob');
const DAVE = arnOf.user(ACCOUNT_B, 'dave');
const PT = Buffer.from('p');

describe('grants', () => {
  let srv: TestServer;
  let w: World;
  let rootA: KMSClient;

  beforeAll(async () => {
    srv = await startTestServer();
    w = await buildWorld(srv);
    rootA = w.clients.rootA;
  });
  afterAll(async () => {
    w?.destroy();
    await srv?.close();
  });

  async function key(): Promise<{ id: string; arn: string }> {
    const md = (await rootA.send(new CreateKeyCommand({}))).KeyMetadata!;
    return { id: md.KeyId!, arn: md.Arn! };
  }

  const grant = (c: KMSClient, KeyId: string, GranteePrincipal: string, Operations: GrantOperation[], more: object = {}) =>
    c.send(new CreateGrantCommand({ KeyId, GranteePrincipal, Operations, ...more }));

  it('creates a grant and lists it with AWS’s fields', async () => {
    const k = await key();
    const before = Date.now();
    const res = await grant(rootA, k.id, BOB, ['Encrypt', 'Decrypt'], {
      Name: 'app-grant',
      RetiringPrincipal: arnOf.user(ACCOUNT_A, 'alice'),
      Constraints: { EncryptionContextEquals: { tenant: 't1' } },
    });
    expect(res.GrantId).toMatch(/^[0-9a-f]{64}$/);
    expect(res.GrantToken!.length).toBeGreaterThan(64);
    const list = await rootA.send(new ListGrantsCommand({ KeyId: k.id }));
    expect(list.Truncated).toBe(false);
    expect(list.Grants).toHaveLength(1);
    const g = list.Grants![0]!;
    expect(g).toMatchObject({
      KeyId: k.arn,
      GrantId: res.GrantId,
      Name: 'app-grant',
      GranteePrincipal: BOB,
      RetiringPrincipal: arnOf.user(ACCOUNT_A, 'alice'),
      IssuingAccount: arnOf.root(ACCOUNT_A),
      Operations: ['Encrypt', 'Decrypt'],
      Constraints: { EncryptionContextEquals: { tenant: 't1' } },
    });
    expect(Math.abs(g.CreationDate!.getTime() - before)).toBeLessThan(120_000);
  });

  it('returns the same grant id for an identical named request, with a new token that works too', async () => {
    const k = await key();
    const a = await grant(rootA, k.id, BOB, ['Encrypt', 'Decrypt'], { Name: 'idem' });
    const b = await grant(rootA, k.id, BOB, ['Decrypt', 'Encrypt'], { Name: 'idem' });
    expect(b.GrantId).toBe(a.GrantId);
    expect(b.GrantToken).not.toBe(a.GrantToken);
    await w.clients.bob.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT, GrantTokens: [a.GrantToken!, b.GrantToken!] }));
    const c = await grant(rootA, k.id, BOB, ['Encrypt'], { Name: 'idem' });
    expect(c.GrantId).not.toBe(a.GrantId);
    const d = await grant(rootA, k.id, BOB, ['Encrypt']);
    const e = await grant(rootA, k.id, BOB, ['Encrypt']);
    expect(d.GrantId).not.toBe(e.GrantId);
    expect((await rootA.send(new ListGrantsCommand({ KeyId: k.id }))).Grants).toHaveLength(4);
  });

  it('enforces EncryptionContextEquals exactly (keys case-insensitively, values exactly)', async () => {
    const k = await key();
    await grant(rootA, k.id, BOB, ['Encrypt'], { Constraints: { EncryptionContextEquals: { Tenant: 't1' } } });
    const bob = w.clients.bob;
    await bob.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT, EncryptionContext: { tenant: 't1' } }));
    for (const ctx of [{ tenant: 'T1' }, { tenant: 't1', extra: 'x' }, {}] as Array<Record<string, string>>) {
      expect((await errorOf(bob.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT, EncryptionContext: ctx })))).name).toBe('AccessDeniedException');
    }
  });

  it('refuses operations the key type cannot grant, grants of only CreateGrant, and unknown principals', async () => {
    const k = await key();
    expect((await errorOf(grant(rootA, k.id, BOB, ['Sign']))).name).toBe('ValidationException');
    expect((await errorOf(grant(rootA, k.id, BOB, ['GenerateMac', 'Encrypt']))).name).toBe('ValidationException');
    expect(await errorOf(grant(rootA, k.id, BOB, ['CreateGrant']))).toMatchObject({
      name: 'ValidationException',
      message: 'Grants must not contain only the CreateGrant operation.',
    });
    for (const p of [arnOf.user(ACCOUNT_A, 'nobody'), 'arn:aws:iam::999988887777:root', 'bob', 's3.amazonaws.com']) {
      expect((await errorOf(grant(rootA, k.id, p, ['Encrypt']))).name).toBe('InvalidArnException');
    }
    expect((await errorOf(grant(rootA, k.id, BOB, ['Encrypt'], { RetiringPrincipal: arnOf.role(ACCOUNT_A, 'ghost') }))).name).toBe('InvalidArnException');
    expect((await errorOf(grant(rootA, 'alias/nope', BOB, ['Encrypt']))).name).toBe('NotFoundException');
  });

  it('follows the key state: Disabled → DisabledException, pending deletion → KMSInvalidStateException', async () => {
    const k = await key();
    await rootA.send(new DisableKeyCommand({ KeyId: k.id }));
    expect(await errorOf(grant(rootA, k.id, BOB, ['Encrypt']))).toMatchObject({ name: 'DisabledException', message: `${k.arn} is disabled.` });
    await rootA.send(new ScheduleKeyDeletionCommand({ KeyId: k.id, PendingWindowInDays: 7 }));
    expect((await errorOf(grant(rootA, k.id, BOB, ['Encrypt']))).name).toBe('KMSInvalidStateException');
    // Listing still works in every state.
    await rootA.send(new ListGrantsCommand({ KeyId: k.id }));
  });

  it('checks everything on DryRun and creates nothing', async () => {
    const k = await key();
    expect((await errorOf(grant(rootA, k.id, BOB, ['Encrypt'], { DryRun: true }))).name).toBe('DryRunOperationException');
    expect((await errorOf(grant(w.clients.bob, k.id, BOB, ['Encrypt'], { DryRun: true }))).name).toBe('AccessDeniedException');
    expect((await rootA.send(new ListGrantsCommand({ KeyId: k.id }))).Grants).toEqual([]);
  });

  it('filters and paginates ListGrants (Limit default 50, max 100)', async () => {
    const k = await key();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await grant(rootA, k.id, i % 2 ? BOB : DAVE, ['Encrypt'])).GrantId!);
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const page = await rootA.send(new ListGrantsCommand({ KeyId: k.id, Limit: 2, Marker }));
      seen.push(...page.Grants!.map((g) => g.GrantId!));
      Marker = page.NextMarker;
      expect(page.Truncated).toBe(Marker !== undefined);
    } while (Marker);
    expect(seen.sort()).toEqual([...ids].sort());
    expect((await rootA.send(new ListGrantsCommand({ KeyId: k.id, GranteePrincipal: BOB }))).Grants!.map((g) => g.GrantId).sort()).toEqual(
      [ids[1], ids[3]].sort(),
    );
    expect((await rootA.send(new ListGrantsCommand({ KeyId: k.id, GrantId: ids[4] }))).Grants!.map((g) => g.GrantId)).toEqual([ids[4]]);
    expect((await errorOf(rootA.send(new ListGrantsCommand({ KeyId: k.id, GrantId: 'nope' })))).name).toBe('InvalidGrantIdException');
    expect((await errorOf(rootA.send(new ListGrantsCommand({ KeyId: k.id, Limit: 101 })))).name).toBe('ValidationException');
    expect((await errorOf(w.clients.bob.send(new ListGrantsCommand({ KeyId: k.id })))).message).toBe(denied(BOB, 'ListGrants', k.arn, 'identity'));
  });

  it('lists retirable grants across keys for a principal of the caller’s account', async () => {
    const k1 = await key();
    const k2 = await key();
    const alice = arnOf.user(ACCOUNT_A, 'alice');
    const a = await grant(rootA, k1.id, BOB, ['Encrypt'], { RetiringPrincipal: alice });
    const b = await grant(rootA, k2.id, DAVE, ['Decrypt'], { RetiringPrincipal: alice });
    const res = await w.clients.alice.send(new ListRetirableGrantsCommand({ RetiringPrincipal: alice }));
    const mine = res.Grants!.filter((g) => g.KeyId === k1.arn || g.KeyId === k2.arn);
    expect(mine.map((g) => g.GrantId).sort()).toEqual([a.GrantId, b.GrantId].sort());
    expect(res.Grants!.find((g) => g.GrantId === b.GrantId)!.KeyId).toBe(k2.arn);
    expect((await errorOf(w.clients.bob.send(new ListRetirableGrantsCommand({ RetiringPrincipal: alice })))).message).toBe(
      denied(BOB, 'ListRetirableGrants', '*', 'identity'),
    );
    expect((await errorOf(w.clients.alice.send(new ListRetirableGrantsCommand({ RetiringPrincipal: DAVE })))).name).toBe('AccessDeniedException');
  });

  it('lets the retiring principal, the grantee with RetireGrant, and the key account retire; nobody else', async () => {
    const k = await key();
    const byRetiring = await grant(rootA, k.id, DAVE, ['Encrypt'], { RetiringPrincipal: BOB });
    const byGrantee = await grant(rootA, k.id, BOB, ['Encrypt', 'RetireGrant']);
    const byAccount = await grant(rootA, k.id, DAVE, ['Encrypt']);
    const untouchable = await grant(rootA, k.id, DAVE, ['Decrypt']);

    expect(await errorOf(w.clients.bob.send(new RetireGrantCommand({ KeyId: k.arn, GrantId: untouchable.GrantId })))).toMatchObject({
      name: 'AccessDeniedException',
      message: denied(BOB, 'RetireGrant', k.arn, 'identity'),
    });
    expect((await errorOf(w.clients.dave.send(new RetireGrantCommand({ GrantToken: byAccount.GrantToken })))).name).toBe('AccessDeniedException');

    await w.clients.bob.send(new RetireGrantCommand({ KeyId: k.arn, GrantId: byRetiring.GrantId }));
    expect((await errorOf(w.clients.bob.send(new RetireGrantCommand({ GrantToken: byGrantee.GrantToken, DryRun: true })))).name).toBe('DryRunOperationException');
    await w.clients.bob.send(new RetireGrantCommand({ GrantToken: byGrantee.GrantToken }));
    // A user of the key's account with kms:RetireGrant from an identity policy, and the root.
    await w.clients.alice.send(new RetireGrantCommand({ KeyId: k.arn, GrantId: byAccount.GrantId }));
    await rootA.send(new RetireGrantCommand({ KeyId: k.id, GrantId: untouchable.GrantId }));
    expect((await rootA.send(new ListGrantsCommand({ KeyId: k.id }))).Grants).toEqual([]);
    // A retired grant allows nothing any more, and cannot be retired twice.
    expect((await errorOf(w.clients.bob.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT })))).name).toBe('AccessDeniedException');
    expect(await errorOf(rootA.send(new RetireGrantCommand({ GrantToken: byGrantee.GrantToken })))).toMatchObject({
      name: 'NotFoundException',
      message: `Grant ID ${byGrantee.GrantId} not found`,
    });
  });

  it('validates RetireGrant’s way of naming the grant', async () => {
    const k = await key();
    expect((await errorOf(rootA.send(new RetireGrantCommand({ GrantToken: 'garbage' })))).name).toBe('InvalidGrantTokenException');
    expect((await errorOf(rootA.send(new RetireGrantCommand({ KeyId: k.arn })))).name).toBe('ValidationException');
    expect((await errorOf(rootA.send(new RetireGrantCommand({ KeyId: k.arn, GrantId: 'x' })))).name).toBe('InvalidGrantIdException');
    expect((await errorOf(rootA.send(new RetireGrantCommand({ KeyId: k.arn, GrantId: randomBytes(32).toString('hex') })))).name).toBe('NotFoundException');
  });

  it('revokes only with kms:RevokeGrant on the key; DryRun checks without revoking', async () => {
    const k = await key();
    const g = await grant(rootA, k.id, BOB, ['Encrypt', 'RetireGrant']);
    expect((await errorOf(w.clients.bob.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: g.GrantId })))).message).toBe(
      denied(BOB, 'RevokeGrant', k.arn, 'identity'),
    );
    expect((await errorOf(w.clients.alice.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: g.GrantId, DryRun: true })))).name).toBe('DryRunOperationException');
    await w.clients.bob.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT }));
    await w.clients.alice.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: g.GrantId }));
    expect((await errorOf(w.clients.bob.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT })))).name).toBe('AccessDeniedException');
    expect((await errorOf(rootA.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: g.GrantId })))).name).toBe('NotFoundException');
    expect((await errorOf(rootA.send(new RevokeGrantCommand({ KeyId: k.id, GrantId: 'bad id' })))).name).toBe('InvalidGrantIdException');
  });

  it('lets a grantee pass on only what its grant allows, with constraints at least as strict', async () => {
    const k = await key();
    const { GrantToken } = await grant(rootA, k.id, BOB, ['Encrypt', 'Decrypt', 'CreateGrant'], { Constraints: { EncryptionContextSubset: { app: 'a' } } });
    const bob = w.clients.bob;
    await bob.send(
      new CreateGrantCommand({
        KeyId: k.arn,
        GranteePrincipal: DAVE,
        Operations: ['Decrypt'],
        Constraints: { EncryptionContextSubset: { app: 'a', env: 'prod' } },
        GrantTokens: [GrantToken!],
      }),
    );
    expect(await errorOf(grant(bob, k.arn, DAVE, ['GenerateDataKey'], { Constraints: { EncryptionContextSubset: { app: 'a' } } }))).toMatchObject({
      name: 'AccessDeniedException',
      message: denied(BOB, 'CreateGrant', k.arn, 'identity'),
    });
    expect((await errorOf(grant(bob, k.arn, DAVE, ['Decrypt']))).name).toBe('AccessDeniedException');
    expect((await errorOf(grant(bob, k.arn, DAVE, ['Decrypt'], { Constraints: { EncryptionContextSubset: { app: 'b' } } }))).name).toBe('AccessDeniedException');
    // The child grant works across accounts for dave, within its constraint.
    const ct = (await rootA.send(new EncryptCommand({ KeyId: k.id, Plaintext: PT, EncryptionContext: { app: 'a', env: 'prod' } }))).CiphertextBlob!;
    await w.clients.dave.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { app: 'a', env: 'prod' } }));
  });

  it('creates grants across accounts on a key the other account may use', async () => {
    const k = await key();
    // Carol (account B) has no key-policy permission on k, so CreateGrant is denied to her.
    expect((await errorOf(grant(w.clients.carol, k.arn, DAVE, ['Encrypt']))).message).toBe(
      denied(arnOf.user(ACCOUNT_B, 'carol'), 'CreateGrant', k.arn, 'resource'),
    );
  });

  it('refuses the 50,001st grant on a key with LimitExceededException', async () => {
    const k = await key();
    // Fill the key to the quota directly in the database file (49,999 rows in one transaction),
    // then let the API add the 50,000th and refuse the next.
    const db = new Database(srv.config.sqlitePath);
    try {
      db.pragma('busy_timeout = 5000');
      const insert = db.prepare(
        'INSERT INTO grants (grant_id, key_id, issuing_account, name, grantee_principal, retiring_principal, operations, constraints, fingerprint, creation_date) ' +
          "VALUES (?, ?, ?, NULL, ?, NULL, '[\"Encrypt\"]', NULL, 'bulk', 0)",
      );
      db.transaction(() => {
        for (let i = 0; i < 49_999; i++) insert.run(randomBytes(32).toString('hex'), k.id, ACCOUNT_A, BOB);
      })();
    } finally {
      db.close();
    }
    await grant(rootA, k.id, BOB, ['Decrypt']);
    expect(await errorOf(grant(rootA, k.id, BOB, ['Decrypt']))).toMatchObject({
      name: 'LimitExceededException',
      message: `The key ${k.arn} already has the maximum of 50000 grants.`,
    });
  });
});
