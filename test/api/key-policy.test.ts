/**
 * Issue 5: GetKeyPolicy, PutKeyPolicy, ListKeyPolicies and CreateKey with Policy: the stored text
 * round-trips exactly, the 32 KB quota, MalformedPolicyDocumentException for bad grammar and
 * unknown principals, and the lockout safety check (refused unless bypassed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateKeyCommand,
  GetKeyPolicyCommand,
  ListKeyPoliciesCommand,
  PutKeyPolicyCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';
import { ACCOUNT_A, ACCOUNT_B, arnOf, buildWorld, denied, policyDoc, type World } from '../support/authz-world.js';

const LOCKOUT = 'The new key policy will not allow you to update the key policy in the future.';
const ROOT_A = { Sid: 'root', Effect: 'Allow', Principal: { AWS: arnOf.root(ACCOUNT_A) }, Action: 'kms:*', Resource: '*' };

describe('key policies', () => {
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

  async function key(policy?: string, bypass = false): Promise<{ id: string; arn: string }> {
    const md = (await rootA.send(new CreateKeyCommand(policy ? { Policy: policy, BypassPolicyLockoutSafetyCheck: bypass } : {}))).KeyMetadata!;
    return { id: md.KeyId!, arn: md.Arn! };
  }

  it('returns AWS’s pretty-printed default policy for a key created without one', async () => {
    const k = await key();
    const res = await rootA.send(new GetKeyPolicyCommand({ KeyId: k.id, PolicyName: 'default' }));
    expect(res.PolicyName).toBe('default');
    expect(res.Policy).toBe(`{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::${ACCOUNT_A}:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`);
    expect((await rootA.send(new GetKeyPolicyCommand({ KeyId: k.arn }))).Policy).toBe(res.Policy);
  });

  it('stores a put policy as given and returns exactly that text', async () => {
    const k = await key();
    const text = `{"Version":"2012-10-17",\n  "Statement": [${JSON.stringify(ROOT_A)}, ${JSON.stringify({
      Effect: 'Allow',
      Principal: { AWS: arnOf.user(ACCOUNT_A, 'bob') },
      Action: 'kms:Describe*',
      Resource: '*',
    })}]}`;
    await rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, PolicyName: 'default', Policy: text }));
    expect((await rootA.send(new GetKeyPolicyCommand({ KeyId: k.id }))).Policy).toBe(text);
  });

  it('lists the one policy name, "default", paginated', async () => {
    const k = await key();
    expect(await rootA.send(new ListKeyPoliciesCommand({ KeyId: k.id }))).toMatchObject({ PolicyNames: ['default'], Truncated: false });
    expect((await rootA.send(new ListKeyPoliciesCommand({ KeyId: k.id, Limit: 1 }))).PolicyNames).toEqual(['default']);
    expect((await errorOf(rootA.send(new ListKeyPoliciesCommand({ KeyId: k.id, Limit: 1001 })))).name).toBe('ValidationException');
  });

  it('answers NotFoundException for a policy name other than default', async () => {
    const k = await key();
    for (const call of [
      () => rootA.send(new GetKeyPolicyCommand({ KeyId: k.id, PolicyName: 'other' })),
      () => rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, PolicyName: 'other', Policy: policyDoc(ROOT_A) })),
    ]) {
      expect(await errorOf(call())).toMatchObject({ name: 'NotFoundException', message: 'No such policy exists' });
    }
  });

  it('refuses a policy over 32 KB with LimitExceededException', async () => {
    const k = await key();
    const big = policyDoc({ ...ROOT_A, Sid: 'x'.repeat(33_000) });
    expect(await errorOf(rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: big })))).toMatchObject({ name: 'LimitExceededException' });
    expect((await errorOf(rootA.send(new CreateKeyCommand({ Policy: big })))).name).toBe('LimitExceededException');
  });

  it('refuses malformed policies with MalformedPolicyDocumentException and a useful message', async () => {
    const k = await key();
    const cases: Array<[string, string | RegExp]> = [
      ['{"Version":"2012-10-17","Statement":[', /Syntax errors in policy/],
      [policyDoc({ Effect: 'Allow', Action: 'kms:*', Resource: '*' }), 'A key policy statement must contain a Principal element.'],
      [policyDoc({ ...ROOT_A, Effect: 'Maybe' }), 'The Effect element must be "Allow" or "Deny".'],
      [policyDoc(ROOT_A, { Effect: 'Allow', Principal: { AWS: arnOf.user(ACCOUNT_A, 'nobody') }, Action: 'kms:*', Resource: '*' }), 'Policy contains a statement with one or more invalid principals.'],
      [policyDoc(ROOT_A, { Effect: 'Allow', Principal: { AWS: '999988887777' }, Action: 'kms:*', Resource: '*' }), 'Policy contains a statement with one or more invalid principals.'],
      [policyDoc({ ...ROOT_A, Condition: { 'ForAllValues:StringEquals': { 'kms:EncryptionContext:a': 'b' } } }), /OverlyPermissiveCondition/],
    ];
    for (const [policy, message] of cases) {
      const err = await errorOf(rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: policy })));
      expect(err.name).toBe('MalformedPolicyDocumentException');
      if (typeof message === 'string') expect(err.message).toBe(message);
      else expect(err.message).toMatch(message);
    }
    // Principals that exist in another account and roles' sessions are fine.
    await rootA.send(
      new PutKeyPolicyCommand({
        KeyId: k.id,
        Policy: policyDoc(ROOT_A, {
          Effect: 'Allow',
          Principal: { AWS: [ACCOUNT_B, arnOf.user(ACCOUNT_B, 'carol'), `arn:aws:sts::${ACCOUNT_A}:assumed-role/app/worker-1`] },
          Action: 'kms:Decrypt',
          Resource: '*',
        }),
      }),
    );
  });

  it('refuses a policy that would lock the caller out, unless the check is bypassed', async () => {
    const k = await key();
    const bobOnly = policyDoc({ Effect: 'Allow', Principal: { AWS: arnOf.user(ACCOUNT_A, 'bob') }, Action: 'kms:*', Resource: '*' });
    expect(await errorOf(rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: bobOnly })))).toMatchObject({
      name: 'MalformedPolicyDocumentException',
      message: LOCKOUT,
    });
    // Still the old policy: the root can read it.
    expect((await rootA.send(new GetKeyPolicyCommand({ KeyId: k.id }))).Policy).toContain('key-default-1');
    await rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: bobOnly, BypassPolicyLockoutSafetyCheck: true }));
    expect(await errorOf(rootA.send(new GetKeyPolicyCommand({ KeyId: k.id })))).toMatchObject({
      name: 'AccessDeniedException',
      message: denied(arnOf.root(ACCOUNT_A), 'GetKeyPolicy', k.arn, 'resource'),
    });
    expect((await w.clients.bob.send(new GetKeyPolicyCommand({ KeyId: k.id }))).Policy).toBe(bobOnly);
  });

  it('applies the lockout check to the calling user with its identity policies', async () => {
    const k = await key();
    const alice = w.clients.alice;
    // The default policy delegates to the account; alice's identity policy keeps PutKeyPolicy.
    await alice.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: policyDoc(ROOT_A) }));
    const denyPut = policyDoc(ROOT_A, { Effect: 'Deny', Principal: { AWS: arnOf.user(ACCOUNT_A, 'alice') }, Action: 'kms:PutKeyPolicy', Resource: '*' });
    expect((await errorOf(alice.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: denyPut })))).message).toBe(LOCKOUT);
    // The root is not locked out by that policy.
    await rootA.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: denyPut }));
  });

  it('applies the same checks to CreateKey with a Policy', async () => {
    const bobOnly = policyDoc({ Effect: 'Allow', Principal: { AWS: arnOf.user(ACCOUNT_A, 'bob') }, Action: 'kms:*', Resource: '*' });
    expect(await errorOf(rootA.send(new CreateKeyCommand({ Policy: bobOnly })))).toMatchObject({ name: 'MalformedPolicyDocumentException', message: LOCKOUT });
    const k = await key(bobOnly, true);
    expect((await w.clients.bob.send(new GetKeyPolicyCommand({ KeyId: k.id }))).Policy).toBe(bobOnly);
    expect((await errorOf(rootA.send(new CreateKeyCommand({ Policy: policyDoc({ ...ROOT_A, Principal: { AWS: arnOf.role(ACCOUNT_A, 'ghost') } }) })))).message).toBe(
      'Policy contains a statement with one or more invalid principals.',
    );
  });

  it('denies the key policy operations to principals without the permission, and to other accounts', async () => {
    const k = await key();
    const bob = arnOf.user(ACCOUNT_A, 'bob');
    expect((await errorOf(w.clients.bob.send(new GetKeyPolicyCommand({ KeyId: k.id })))).message).toBe(denied(bob, 'GetKeyPolicy', k.arn, 'identity'));
    expect((await errorOf(w.clients.bob.send(new PutKeyPolicyCommand({ KeyId: k.id, Policy: policyDoc(ROOT_A) })))).message).toBe(
      denied(bob, 'PutKeyPolicy', k.arn, 'identity'),
    );
    expect((await errorOf(w.clients.bob.send(new ListKeyPoliciesCommand({ KeyId: k.id })))).message).toBe(denied(bob, 'ListKeyPolicies', k.arn, 'identity'));
    // Key policies are not reachable across accounts, even by ARN.
    expect((await errorOf(w.clients.carol.send(new GetKeyPolicyCommand({ KeyId: k.arn })))).name).toBe('NotFoundException');
  });
});
