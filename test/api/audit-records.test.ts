/**
 * Issue 6: the exact CloudTrail record of representative calls, through @aws-sdk/client-kms and
 * raw signed requests against a listening server (SoftHSM token, SQLite file).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, type TestServer } from '../support/server.js';
import { signedPost } from '../support/raw.js';
import { ManualClock } from '../support/clock.js';
import { auditEvents, eventOf, failedRequestId, verifyServer } from '../support/audit.js';
import { createAccessKey, ensureAccountRoot } from '../../src/kms/identity/access-keys.js';
import { cloudTrailDate } from '../../src/audit/event.js';
import { SIGNATURE_MISMATCH } from '../../src/auth/index.js';

const OTHER_ACCOUNT = '444455556666';
const OTHER_KEY_ID = 'AKIAAUDITOTHERACCT01';
const OTHER_SECRET = 'audit-other-account-secret-0000000001';
const ROOT = {
  type: 'Root',
  principalId: TEST_ACCOUNT,
  arn: `arn:aws:iam::${TEST_ACCOUNT}:root`,
  accountId: TEST_ACCOUNT,
  accessKeyId: TEST_ACCESS_KEY_ID,
};
const DAY = 86_400_000;

/** Fields every API call record has, whatever the call. */
function apiCall(over: Record<string, unknown>) {
  return {
    eventVersion: '1.08',
    eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    eventSource: 'kms.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '127.0.0.1',
    userAgent: expect.stringContaining('aws-sdk-js'),
    requestID: expect.any(String),
    eventID: expect.stringMatching(/^[0-9a-f-]{36}$/),
    eventType: 'AwsApiCall',
    managementEvent: true,
    eventCategory: 'Management',
    recipientAccountId: TEST_ACCOUNT,
    userIdentity: ROOT,
    ...over,
  };
}

describe('audit records of API calls', () => {
  let srv: TestServer;
  let kms: KMSClient;
  const clock = new ManualClock();

  beforeAll(async () => {
    srv = await startTestServer({ clock });
    kms = srv.kms();
    const { store, hsm } = srv.svc.deps;
    const root = await ensureAccountRoot(store, 'aws', OTHER_ACCOUNT, Date.now());
    await createAccessKey(store, hsm, root, { accessKeyId: OTHER_KEY_ID, secretAccessKey: OTHER_SECRET }, Date.now());
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  async function newKey(): Promise<{ id: string; arn: string }> {
    const md = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    return { id: md.KeyId!, arn: md.Arn! };
  }

  it('records Encrypt with its encryption context, the resolved key and no plaintext or ciphertext', async () => {
    const { arn } = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/audit-encrypt', TargetKeyId: arn }));
    const res = await kms.send(
      new EncryptCommand({ KeyId: 'alias/audit-encrypt', Plaintext: Buffer.from('audit me'), EncryptionContext: { purpose: 'test', team: 'qa' } }),
    );
    expect(await eventOf(srv, res.$metadata.requestId)).toStrictEqual(
      apiCall({
        eventName: 'Encrypt',
        requestID: res.$metadata.requestId,
        requestParameters: { keyId: 'alias/audit-encrypt', encryptionContext: { purpose: 'test', team: 'qa' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        responseElements: null,
        readOnly: true,
        resources: [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: arn }],
      }),
    );
  });

  it('records a cross-account Decrypt that was denied, in the caller account, with the key it named', async () => {
    const { arn } = await newKey();
    const ct = (await kms.send(new EncryptCommand({ KeyId: arn, Plaintext: Buffer.from('x'), EncryptionContext: { app: 'one' } }))).CiphertextBlob;
    const other = srv.kms({ accessKeyId: OTHER_KEY_ID, secretAccessKey: OTHER_SECRET });
    const err = await failedRequestId(other.send(new DecryptCommand({ CiphertextBlob: ct, EncryptionContext: { app: 'one' } })));
    other.destroy();
    expect(err.name).toBe('AccessDeniedException');
    expect(await eventOf(srv, err.requestId)).toStrictEqual(
      apiCall({
        eventName: 'Decrypt',
        requestID: err.requestId,
        userIdentity: {
          type: 'Root',
          principalId: OTHER_ACCOUNT,
          arn: `arn:aws:iam::${OTHER_ACCOUNT}:root`,
          accountId: OTHER_ACCOUNT,
          accessKeyId: OTHER_KEY_ID,
        },
        recipientAccountId: OTHER_ACCOUNT,
        errorCode: 'AccessDeniedException',
        errorMessage: err.message,
        // CloudTrail fills in the algorithm and the key the ciphertext names (reference §6).
        requestParameters: { encryptionContext: { app: 'one' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', keyId: arn },
        responseElements: null,
        readOnly: true,
        resources: [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: arn }],
      }),
    );
  });

  it('logs an allowed cross-account call in the caller’s and in the key owner’s account, linked by sharedEventID', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: 'kms:Encrypt', Resource: '*' },
      ],
    });
    const arn = (await kms.send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata!.Arn!;
    const other = srv.kms({ accessKeyId: OTHER_KEY_ID, secretAccessKey: OTHER_SECRET });
    const res = await other.send(new EncryptCommand({ KeyId: arn, Plaintext: Buffer.from('x') }));
    // Refused for access reasons: only the caller's account sees it.
    const denied = await failedRequestId(other.send(new GenerateDataKeyCommand({ KeyId: arn, KeySpec: 'AES_256' })));
    other.destroy();
    expect(denied.name).toBe('AccessDeniedException');
    const copies = (await auditEvents(srv)).filter((e) => e.requestID === res.$metadata.requestId);
    expect(copies.map((e) => e.recipientAccountId).sort()).toStrictEqual([TEST_ACCOUNT, OTHER_ACCOUNT].sort());
    const [a, b] = copies;
    expect(a!.sharedEventID).toMatch(/^[0-9a-f-]{36}$/);
    expect(b!.sharedEventID).toBe(a!.sharedEventID);
    expect(a!.eventID).not.toBe(b!.eventID);
    for (const e of copies) expect(e.userIdentity).toMatchObject({ type: 'Root', accountId: OTHER_ACCOUNT, accessKeyId: OTHER_KEY_ID });
    const deniedCopies = (await auditEvents(srv)).filter((e) => e.requestID === denied.requestId);
    expect(deniedCopies.map((e) => e.recipientAccountId)).toStrictEqual([OTHER_ACCOUNT]);
    expect((await verifyServer(srv)).ok).toBe(true);
  });

  it('records a request refused for a bad signature with only the access key id it claimed', async () => {
    const res = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: 'alias/x', Plaintext: 'eA==' }), {
      secretAccessKey: 'not-the-secret-not-the-secret-not-the-secret',
      headers: { 'user-agent': 'forger/1.0' },
    });
    expect(res.json).toStrictEqual({ __type: 'InvalidSignatureException', message: SIGNATURE_MISMATCH });
    expect(await eventOf(srv, res.headers.get('x-amzn-requestid')!)).toStrictEqual(
      apiCall({
        eventName: 'Encrypt',
        requestID: res.headers.get('x-amzn-requestid'),
        userAgent: 'forger/1.0',
        userIdentity: { type: 'Unknown', accessKeyId: TEST_ACCESS_KEY_ID },
        // The claimed key exists: its account sees the attempt.
        recipientAccountId: TEST_ACCOUNT,
        errorCode: 'InvalidSignatureException',
        errorMessage: SIGNATURE_MISMATCH,
        requestParameters: null,
        responseElements: null,
        readOnly: true,
      }),
    );
  });

  it('records an unknown access key and a request without any signature too', async () => {
    const unknown = await signedPost(srv.url, 'TrentService.ListKeys', '{}', { accessKeyId: 'AKIANOSUCHKEY0000001' });
    expect(unknown.json.__type).toBe('UnrecognizedClientException');
    const e1 = await eventOf(srv, unknown.headers.get('x-amzn-requestid')!);
    expect(e1).toMatchObject({ eventName: 'ListKeys', errorCode: 'UnrecognizedClientException', userIdentity: { type: 'Unknown', accessKeyId: 'AKIANOSUCHKEY0000001' } });
    expect(e1.recipientAccountId).toBeUndefined();
    const bare = await fetch(srv.url, { method: 'POST', headers: { 'x-amz-target': 'TrentService.ListKeys', 'content-type': 'application/x-amz-json-1.1' }, body: '{}' });
    expect(bare.status).toBe(400);
    const e2 = await eventOf(srv, bare.headers.get('x-amzn-requestid')!);
    expect(e2).toMatchObject({ eventName: 'ListKeys', errorCode: 'MissingAuthenticationTokenException', userIdentity: { type: 'Unknown' } });
  });

  it('records CreateKey with its parameters and the new key metadata as CloudTrail renders it', async () => {
    const res = await kms.send(new CreateKeyCommand({ Description: 'audited key', Tags: [{ TagKey: 'team', TagValue: 'qa' }] }));
    const md = res.KeyMetadata!;
    const keyMetadata: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(md)) {
      if (v === undefined) continue;
      keyMetadata[k.charAt(0).toLowerCase() + k.slice(1)] = v instanceof Date ? cloudTrailDate(v.getTime()) : v;
    }
    expect(keyMetadata).toMatchObject({ aWSAccountId: TEST_ACCOUNT, keyId: md.KeyId, creationDate: expect.stringMatching(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d [AP]M$/) });
    expect(await eventOf(srv, res.$metadata.requestId)).toStrictEqual(
      apiCall({
        eventName: 'CreateKey',
        requestID: res.$metadata.requestId,
        requestParameters: { description: 'audited key', tags: [{ tagKey: 'team', tagValue: 'qa' }] },
        responseElements: { keyMetadata },
        readOnly: false,
        resources: [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: md.Arn }],
      }),
    );
  });

  it('records ScheduleKeyDeletion with the deletion date, and the deletion itself as a service event', async () => {
    const { id, arn } = await newKey();
    const res = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 }));
    expect(await eventOf(srv, res.$metadata.requestId)).toStrictEqual(
      apiCall({
        eventName: 'ScheduleKeyDeletion',
        requestID: res.$metadata.requestId,
        requestParameters: { keyId: id, pendingWindowInDays: 7 },
        responseElements: { keyId: arn, keyState: 'PendingDeletion', deletionDate: cloudTrailDate(res.DeletionDate!.getTime()), pendingWindowInDays: 7 },
        readOnly: false,
        resources: [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: arn }],
      }),
    );
    clock.advance(8 * DAY);
    expect((await srv.svc.sweepNow()).deleted).toContain(id);
    const deleted = (await auditEvents(srv)).filter((e) => e.eventName === 'DeleteKey' && e.resources?.[0]?.ARN === arn);
    expect(deleted).toStrictEqual([
      {
        eventVersion: '1.08',
        userIdentity: { accountId: TEST_ACCOUNT, invokedBy: 'AWS Internal' },
        eventTime: expect.any(String),
        eventSource: 'kms.amazonaws.com',
        eventName: 'DeleteKey',
        awsRegion: 'us-east-1',
        sourceIPAddress: 'AWS Internal',
        userAgent: 'AWS Internal',
        requestParameters: null,
        responseElements: null,
        eventID: expect.any(String),
        readOnly: false,
        resources: [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: arn }],
        eventType: 'AwsServiceEvent',
        managementEvent: true,
        recipientAccountId: TEST_ACCOUNT,
        eventCategory: 'Management',
      },
    ]);
  });

  it('records validation failures and unknown operations, each request exactly once', async () => {
    const before = (await auditEvents(srv)).length;
    const bad = await signedPost(srv.url, 'TrentService.GenerateDataKey', JSON.stringify({ KeyId: 'alias/x', NumberOfBytes: 5000 }));
    expect(bad.json.__type).toBe('ValidationException');
    const unknown = await signedPost(srv.url, 'TrentService.NoSuchOperation', '{}');
    expect(unknown.json.__type).toBe('UnknownOperationException');
    await kms.send(new ListKeysCommand({}));
    const events = await auditEvents(srv);
    expect(events).toHaveLength(before + 3);
    expect(events.slice(before).map((e) => [e.eventName, e.errorCode ?? null, e.readOnly])).toStrictEqual([
      ['GenerateDataKey', 'ValidationException', true],
      ['NoSuchOperation', 'UnknownOperationException', false],
      ['ListKeys', null, true],
    ]);
    // Without a decoded request there is nothing to log as parameters.
    expect(events[before]!.requestParameters).toBeNull();
  });

  it('records GenerateDataKey without the data key and keeps the chain verifiable', async () => {
    const { id } = await newKey();
    const res = await kms.send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256', EncryptionContext: { k: 'v' } }));
    const e = await eventOf(srv, res.$metadata.requestId);
    expect(e.requestParameters).toStrictEqual({ keyId: id, keySpec: 'AES_256', encryptionContext: { k: 'v' } });
    expect(e.responseElements).toBeNull();
    const report = await verifyServer(srv);
    expect(report.problems).toStrictEqual([]);
  });
});
