/**
 * Issue 6: the CloudTrail LookupEvents API (JSON 1.1, SigV4 service `cloudtrail`) over the audit
 * trail — filters, pagination, errors, account isolation — by raw signed requests and with the
 * real AWS CLI (`aws cloudtrail lookup-events --endpoint-url …`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, ListKeysCommand, type KMSClient } from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_SECRET, type TestServer } from '../support/server.js';
import { signedPost, type RawResponse } from '../support/raw.js';
import { errorOf } from '../support/errors.js';
import { createAccessKey, ensureAccountRoot } from '../../src/kms/identity/access-keys.js';
import { ensureNamedPrincipal, putIdentityPolicy } from '../../src/kms/identity/iam-admin.js';

const run = promisify(execFile);
const TARGET = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents';
const OTHER_ACCOUNT = '444455556666';
const OTHER_KEY_ID = 'AKIALOOKUPOTHER00001';
const OTHER_SECRET = 'lookup-other-account-secret-00000001';

interface LookupEvent {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  Resources: Array<{ ResourceType: string; ResourceName: string }>;
  CloudTrailEvent: string;
}

describe('CloudTrail LookupEvents', () => {
  let srv: TestServer;
  let kms: KMSClient;
  let key: { id: string; arn: string };
  let deniedRequestId: string | undefined;

  const lookup = (body: Record<string, unknown>, opts: Parameters<typeof signedPost>[3] = {}): Promise<RawResponse> =>
    signedPost(srv.url, TARGET, JSON.stringify(body), { service: 'cloudtrail', ...opts });
  const events = (r: RawResponse) => (r.json.Events ?? []) as LookupEvent[];

  beforeAll(async () => {
    srv = await startTestServer();
    kms = srv.kms();
    const { store, hsm } = srv.svc.deps;
    const root = await ensureAccountRoot(store, 'aws', OTHER_ACCOUNT, Date.now());
    await createAccessKey(store, hsm, root, { accessKeyId: OTHER_KEY_ID, secretAccessKey: OTHER_SECRET }, Date.now());
    const md = (await kms.send(new CreateKeyCommand({ Description: 'looked up' }))).KeyMetadata!;
    key = { id: md.KeyId!, arn: md.Arn! };
    const ct = (await kms.send(new EncryptCommand({ KeyId: key.id, Plaintext: Buffer.from('x') }))).CiphertextBlob;
    await kms.send(new DecryptCommand({ CiphertextBlob: ct }));
    await kms.send(new ListKeysCommand({}));
    const other = srv.kms({ accessKeyId: OTHER_KEY_ID, secretAccessKey: OTHER_SECRET });
    try {
      await other.send(new DecryptCommand({ CiphertextBlob: ct }));
    } catch (e) {
      deniedRequestId = (e as { $metadata?: { requestId?: string } }).$metadata?.requestId;
    }
    other.destroy();
    await errorOf(kms.send(new EncryptCommand({ KeyId: 'alias/does-not-exist', Plaintext: Buffer.from('x') })));
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
  });

  it('returns the account events newest first, in the CloudTrail Event shape', async () => {
    const r = await lookup({});
    expect(r.status).toBe(200);
    const list = events(r);
    expect(list.map((e) => e.EventName)).toStrictEqual(['Encrypt', 'ListKeys', 'Decrypt', 'Encrypt', 'CreateKey']);
    const decrypt = list[2]!;
    expect(decrypt).toStrictEqual({
      EventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      EventName: 'Decrypt',
      ReadOnly: 'true',
      AccessKeyId: TEST_ACCESS_KEY_ID,
      EventTime: expect.any(Number),
      EventSource: 'kms.amazonaws.com',
      Username: 'root',
      Resources: [{ ResourceType: 'AWS::KMS::Key', ResourceName: key.arn }],
      CloudTrailEvent: expect.any(String),
    });
    const ct = JSON.parse(decrypt.CloudTrailEvent) as Record<string, unknown>;
    expect(ct).toMatchObject({ eventID: decrypt.EventId, eventName: 'Decrypt', recipientAccountId: TEST_ACCOUNT, requestParameters: { keyId: key.arn } });
    expect(Math.abs(decrypt.EventTime * 1000 - Date.now())).toBeLessThan(600_000);
    expect(r.json.NextToken).toBeUndefined();
  });

  it('filters by event name, resource (ARN or key id), user name, access key, read-only, event id and error code', async () => {
    // Every lookup is itself recorded (eventSource cloudtrail.amazonaws.com); only KMS events count here.
    const names = async (key: string, value: string) =>
      events(await lookup({ LookupAttributes: [{ AttributeKey: key, AttributeValue: value }] }))
        .filter((e) => e.EventSource === 'kms.amazonaws.com')
        .map((e) => e.EventName);
    expect(await names('EventName', 'Decrypt')).toStrictEqual(['Decrypt']);
    expect(await names('ResourceName', key.arn)).toStrictEqual(['Decrypt', 'Encrypt', 'CreateKey']);
    expect(await names('ResourceName', key.id)).toStrictEqual(['Decrypt', 'Encrypt', 'CreateKey']);
    expect(await names('ResourceType', 'AWS::KMS::Key')).toStrictEqual(['Decrypt', 'Encrypt', 'CreateKey']);
    expect(await names('ResourceType', 'AWS::S3::Bucket')).toStrictEqual([]);
    expect(await names('Username', 'root')).toHaveLength(5);
    expect(await names('Username', `arn:aws:iam::${TEST_ACCOUNT}:root`)).toHaveLength(5);
    expect(await names('AccessKeyId', TEST_ACCESS_KEY_ID)).toHaveLength(5);
    expect(await names('ReadOnly', 'false')).toStrictEqual(['CreateKey']);
    expect(await names('EventSource', 'kms.amazonaws.com')).toHaveLength(5);
    expect(await names('ErrorCode', 'NotFoundException')).toStrictEqual(['Encrypt']);
    const all = events(await lookup({})).filter((e) => e.EventSource === 'kms.amazonaws.com');
    expect(await names('EventId', all[3]!.EventId)).toStrictEqual(['Encrypt']);
    // Several attributes combine with AND (AWS accepts only one; an extension).
    const both = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }, { AttributeKey: 'ResourceName', AttributeValue: key.id }] });
    expect(events(both).map((e) => e.EventName)).toStrictEqual(['Encrypt']);
  });

  it('filters by time range (epoch seconds) and pages with MaxResults and NextToken', async () => {
    const kmsOnly = { LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }] };
    const all = events(await lookup(kmsOnly));
    const newest = all[0]!.EventTime;
    expect(events(await lookup({ ...kmsOnly, StartTime: newest + 3600 }))).toStrictEqual([]);
    expect(events(await lookup({ ...kmsOnly, EndTime: newest - 3600 }))).toStrictEqual([]);
    expect(events(await lookup({ ...kmsOnly, StartTime: newest - 3600, EndTime: newest + 3600 }))).toHaveLength(5);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await lookup({ ...kmsOnly, MaxResults: 2, ...(token ? { NextToken: token } : {}) });
      expect(r.status).toBe(200);
      seen.push(...events(r).map((e) => e.EventId));
      token = r.json.NextToken as string | undefined;
      pages += 1;
    } while (token && pages < 10);
    expect(seen).toStrictEqual(all.map((e) => e.EventId));
  });

  it('shows callers only their own account, including the record of their denied request', async () => {
    const other = await lookup({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }] }, { accessKeyId: OTHER_KEY_ID, secretAccessKey: OTHER_SECRET });
    const list = events(other);
    expect(list.map((e) => e.EventName)).toStrictEqual(['Decrypt']);
    const ct = JSON.parse(list[0]!.CloudTrailEvent) as Record<string, unknown>;
    expect(ct).toMatchObject({ requestID: deniedRequestId, errorCode: 'AccessDeniedException', recipientAccountId: OTHER_ACCOUNT });
  });

  it('answers CloudTrail errors for bad attributes, time ranges, page sizes, tokens and event categories', async () => {
    const err = async (body: Record<string, unknown>) => {
      const r = await lookup(body);
      expect(r.status).toBe(400);
      return r.json.__type;
    };
    expect(await err({ LookupAttributes: [{ AttributeKey: 'Color', AttributeValue: 'x' }] })).toBe('InvalidLookupAttributesException');
    expect(await err({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] })).toBe('InvalidLookupAttributesException');
    expect(await err({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'maybe' }] })).toBe('InvalidLookupAttributesException');
    expect(await err({ StartTime: 2_000_000_000, EndTime: 1_000_000_000 })).toBe('InvalidTimeRangeException');
    expect(await err({ MaxResults: 0 })).toBe('InvalidMaxResultsException');
    expect(await err({ MaxResults: 51 })).toBe('InvalidMaxResultsException');
    expect(await err({ NextToken: 'bm90IGEgdG9rZW4' })).toBe('InvalidNextTokenException');
    const first = await lookup({ MaxResults: 1 });
    // A token from a lookup with other filters is refused.
    expect(await err({ MaxResults: 1, NextToken: first.json.NextToken, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }] })).toBe(
      'InvalidNextTokenException',
    );
    expect(await err({ EventCategory: 'data' })).toBe('InvalidEventCategoryException');
    expect(events(await lookup({ EventCategory: 'insight' }))).toStrictEqual([]);
  });

  it('authenticates like the KMS API: the cloudtrail service scope, a valid signature, a known key', async () => {
    const kmsScoped = await signedPost(srv.url, TARGET, '{}', { service: 'kms' });
    expect(kmsScoped.json).toStrictEqual({ __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'cloudtrail'." });
    const wrong = await lookup({}, { secretAccessKey: 'wrong-wrong-wrong-wrong-wrong-wrong-wrong' });
    expect(wrong.json.__type).toBe('InvalidSignatureException');
    const unknownOp = await signedPost(srv.url, 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DeleteTrail', '{}', { service: 'cloudtrail' });
    expect(unknownOp.json.__type).toBe('UnknownOperationException');
    // The lookups themselves are audited, as CloudTrail records them.
    const own = events(await lookup({ LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'cloudtrail.amazonaws.com' }] }));
    expect(own.map((e) => e.EventName)).toContain('LookupEvents');
    const failed = JSON.parse(own.find((e) => JSON.parse(e.CloudTrailEvent).errorCode === 'UnknownOperationException')!.CloudTrailEvent) as Record<string, unknown>;
    expect(failed).toMatchObject({ eventSource: 'cloudtrail.amazonaws.com', eventName: 'DeleteTrail' });
  });

  it('works with the AWS CLI: aws cloudtrail lookup-events --endpoint-url …', async () => {
    const { stdout } = await run(
      'aws',
      ['cloudtrail', 'lookup-events', '--endpoint-url', srv.url, '--region', 'us-east-1', '--output', 'json', '--lookup-attributes', `AttributeKey=ResourceName,AttributeValue=${key.id}`],
      {
        env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' },
        timeout: 60_000,
      },
    );
    const out = JSON.parse(stdout) as { Events: Array<{ EventName: string; Resources: Array<{ ResourceName: string }>; EventTime: string }> };
    expect(out.Events.map((e) => e.EventName)).toStrictEqual(['Decrypt', 'Encrypt', 'CreateKey']);
    expect(out.Events[0]!.Resources).toStrictEqual([{ ResourceType: 'AWS::KMS::Key', ResourceName: key.arn }]);
    // The CLI pages through NextToken by itself.
    const { stdout: paged } = await run('aws', ['cloudtrail', 'lookup-events', '--endpoint-url', srv.url, '--region', 'us-east-1', '--output', 'json', '--page-size', '2'], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' },
      timeout: 60_000,
    });
    expect((JSON.parse(paged) as { Events: unknown[] }).Events.length).toBeGreaterThanOrEqual(5);
  }, 120_000);
  it('needs cloudtrail:LookupEvents in an identity policy for users and roles (the account root always may)', async () => {
    const { store, hsm } = srv.svc.deps;
    const now = Date.now();
    const userWith = async (name: string, policy: object) => {
      const { principal } = await ensureNamedPrincipal(store, 'aws', TEST_ACCOUNT, 'user', name, now);
      await putIdentityPolicy(store, 'aws', principal, 'main', JSON.stringify({ Version: '2012-10-17', Statement: policy }), now);
      const creds = { accessKeyId: `AKIALOOKUP${name.toUpperCase().padEnd(10, 'X')}`, secretAccessKey: `${name}-secret-access-key-for-lookup-00` };
      await createAccessKey(store, hsm, principal, creds, now);
      return creds;
    };
    const auditor = await userWith('auditor', [{ Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' }]);
    const kmsOnly = await userWith('kmsonly', [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }]);
    const denied = await userWith('denied', [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'cloudtrail:*', Resource: '*' },
    ]);
    const allowed = await lookup({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'Encrypt' }] }, auditor);
    expect(allowed.status).toBe(200);
    expect(events(allowed).length).toBeGreaterThan(0);
    const noPolicy = await lookup({}, kmsOnly);
    expect(noPolicy.status).toBe(400);
    expect(noPolicy.json).toStrictEqual({
      __type: 'AccessDeniedException',
      message: `User: arn:aws:iam::${TEST_ACCOUNT}:user/kmsonly is not authorized to perform: cloudtrail:LookupEvents on resource: * because no identity-based policy allows the cloudtrail:LookupEvents action`,
    });
    const explicit = await lookup({}, denied);
    expect(explicit.json.__type).toBe('AccessDeniedException');
    expect(String(explicit.json.message)).toMatch(/with an explicit deny in an identity-based policy$/);
    // The refusals are in the trail, under the refused user.
    const refused = events(await lookup({ LookupAttributes: [{ AttributeKey: 'Username', AttributeValue: 'kmsonly' }] }));
    expect(refused.map((e) => [e.EventName, JSON.parse(e.CloudTrailEvent).errorCode])).toContainEqual(['LookupEvents', 'AccessDeniedException']);
  });
});
