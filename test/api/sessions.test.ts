/**
 * Issue 5: temporary credentials (assumed-role sessions) through @aws-sdk/client-kms and raw
 * SigV4: the session token is required and checked, an expired session answers
 * ExpiredTokenException (expiry is judged by the wall clock, as SigV4's own time checks are: a
 * session issued "in the past" is how a test expires one without waiting), the role's identity
 * policies apply and changes to them take effect at once, and deleting the role ends its sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateKeyCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { ManualClock } from '../support/clock.js';
import { signedPost } from '../support/raw.js';
import { errorOf } from '../support/errors.js';
import { ACCOUNT_A, arnOf, buildWorld, denied, policyDoc, type World } from '../support/authz-world.js';
import { ensureNamedPrincipal, issueAccessKey, putIdentityPolicy } from '../../src/kms/identity/iam-admin.js';
import { assumeRole, assumedRoleArn } from '../../src/kms/identity/sessions.js';

const HOUR = 3_600_000;

describe('assumed-role sessions', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let w: World;
  let keyId: string;
  let keyArn: string;

  beforeAll(async () => {
    srv = await startTestServer({ clock });
    w = await buildWorld(srv);
    const md = (await w.clients.rootA.send(new CreateKeyCommand({}))).KeyMetadata!;
    keyId = md.KeyId!;
    keyArn = md.Arn!;
  });
  afterAll(async () => {
    w?.destroy();
    await srv?.close();
  });

  async function role(name: string, policy?: string) {
    const { store } = srv.svc.deps;
    const { principal } = await ensureNamedPrincipal(store, 'aws', ACCOUNT_A, 'role', name, Date.now());
    if (policy) await putIdentityPolicy(store, 'aws', principal, 'main', policy, Date.now());
    return principal;
  }

  async function session(roleName: string, sessionName: string, issuedAt = Date.now(), seconds = 900) {
    const { store, hsm } = srv.svc.deps;
    const r = (await srv.svc.deps.store.identities.getPrincipal(arnOf.role(ACCOUNT_A, roleName)))!;
    return assumeRole(store, hsm, r, sessionName, seconds, issuedAt);
  }

  const encrypt = (c: KMSClient) => c.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') }));
  const ALLOW_ENCRYPT = policyDoc({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' });

  it('signs with the session token and acts as arn:aws:sts::<acct>:assumed-role/<role>/<session>', async () => {
    await role('ops', ALLOW_ENCRYPT);
    const s = await session('ops', 'night-shift');
    expect(s.arn).toBe(`arn:aws:sts::${ACCOUNT_A}:assumed-role/ops/night-shift`);
    expect(s.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    const c = w.client({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });
    await encrypt(c);
    expect(await errorOf(c.send(new CreateKeyCommand({})))).toMatchObject({
      name: 'AccessDeniedException',
      message: denied(s.arn, 'CreateKey', '*', 'identity'),
    });
  });

  it('refuses a missing or wrong session token, and a token on a long-term key', async () => {
    await role('ops2', ALLOW_ENCRYPT);
    const s = await session('ops2', 'tok');
    const noToken = w.client({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey });
    expect(await errorOf(encrypt(noToken))).toMatchObject({ name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    const other = await session('ops2', 'other');
    const wrong = w.client({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: other.sessionToken });
    expect((await errorOf(encrypt(wrong))).name).toBe('UnrecognizedClientException');
    const { principal } = await ensureNamedPrincipal(srv.svc.deps.store, 'aws', ACCOUNT_A, 'user', 'plain', Date.now());
    const key = await issueAccessKey(srv.svc.deps.store, srv.svc.deps.hsm, principal, Date.now());
    const tokenOnLongTerm = w.client({ ...key, sessionToken: s.sessionToken });
    expect((await errorOf(encrypt(tokenOnLongTerm))).name).toBe('UnrecognizedClientException');
  });

  it('answers ExpiredTokenException once the session has expired by the wall clock', async () => {
    await role('ops3', ALLOW_ENCRYPT);
    const expired = await session('ops3', 'old', Date.now() - 2 * HOUR, 900);
    const res = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: 'eA==' }), {
      accessKeyId: expired.accessKeyId,
      secretAccessKey: expired.secretAccessKey,
      headers: { 'x-amz-security-token': expired.sessionToken },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' });
    // The KMS clock (moved by tests for deletion windows) does not decide expiry.
    clock.advance(30 * 24 * HOUR);
    const fresh = await session('ops3', 'new');
    await encrypt(w.client({ accessKeyId: fresh.accessKeyId, secretAccessKey: fresh.secretAccessKey, sessionToken: fresh.sessionToken }));
  });

  it('applies a change to the role’s identity policy on the session’s next request', async () => {
    const r = await role('ops4');
    const s = await session('ops4', 'live');
    const c = w.client({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });
    expect((await errorOf(encrypt(c))).message).toBe(denied(s.arn, 'Encrypt', keyArn, 'identity'));
    await putIdentityPolicy(srv.svc.deps.store, 'aws', r, 'main', ALLOW_ENCRYPT, Date.now());
    await encrypt(c);
  });

  it('ends the sessions of a deleted role', async () => {
    const r = await role('ops5', ALLOW_ENCRYPT);
    const s = await session('ops5', 'doomed');
    const c = w.client({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });
    await encrypt(c);
    expect(await srv.svc.deps.store.iam.deletePrincipal(r.arn)).toBe(true);
    expect((await errorOf(encrypt(c))).name).toBe('UnrecognizedClientException');
  });

  it('builds session ARNs from role ARNs', () => {
    expect(assumedRoleArn('arn:aws:iam::111122223333:role/app', 's1')).toBe('arn:aws:sts::111122223333:assumed-role/app/s1');
  });
});
