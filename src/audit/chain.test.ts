import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, sha256Hex } from './canonical.js';
import { chainRecord, indexColumns, parseRecordBody, recordBody, MalformedAuditBodyError } from './chain.js';
import { apiCallEvent } from './build.js';
import { AuditLog } from './audit-log.js';
import { openStore } from '../store/index.js';
import { silentAuditLog, testSigner } from '../../test/support/audit-signer.js';
import type { CloudTrailEvent } from './event.js';

const event = (): CloudTrailEvent =>
  apiCallEvent({
    eventName: 'Encrypt',
    time: Date.UTC(2024, 0, 2, 3, 4, 5),
    requestId: 'r',
    region: 'us-east-1',
    sourceIp: '10.0.0.1',
    userAgent: 'ua "quoted"',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', accessKeyId: 'AKIA1', userName: 'alice' },
    recipientAccountId: '111122223333',
    requestParameters: { keyId: 'k', encryptionContext: { 'ü': 'v' } },
    responseElements: null,
    resources: ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    error: { code: 'NotFoundException', message: 'no' },
  });

describe('the hash chain encoding', () => {
  it('writes the envelope around a pre-encoded event exactly as canonical JSON would', () => {
    const e = event();
    const body = recordBody('node:1', 7, GENESIS_HASH, e);
    expect(body).toBe(canonicalJson({ kind: 'record', version: 1, nodeId: 'node:1', sequence: 7, previousHash: GENESIS_HASH, event: e }));
    const row = chainRecord('node:1', 7, GENESIS_HASH, e, Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(row).toMatchObject({ body, hash: sha256Hex(body), prevHash: GENESIS_HASH, eventTime: Date.UTC(2024, 0, 2, 3, 4, 5, 678) });
    expect(parseRecordBody(body)).toStrictEqual({ kind: 'record', version: 1, nodeId: 'node:1', sequence: 7, previousHash: GENESIS_HASH, event: JSON.parse(canonicalJson(e)) });
  });

  it('derives the lookup columns from the event', () => {
    expect(indexColumns(event())).toStrictEqual({
      eventId: expect.any(String),
      eventName: 'Encrypt',
      eventSource: 'kms.amazonaws.com',
      recipientAccountId: '111122223333',
      username: 'alice',
      principalArn: 'arn:aws:iam::111122223333:user/alice',
      accessKeyId: 'AKIA1',
      errorCode: 'NotFoundException',
      readOnly: true,
      resources: ['arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    });
  });

  it('refuses bodies that are not version 1 record envelopes', () => {
    expect(() => parseRecordBody('{')).toThrow(MalformedAuditBodyError);
    expect(() => parseRecordBody('{"kind":"digest"}')).toThrow(MalformedAuditBodyError);
    const body = JSON.parse(recordBody('n', 1, GENESIS_HASH, event())) as Record<string, unknown>;
    expect(() => parseRecordBody(JSON.stringify({ ...body, version: 2 }))).toThrow('unknown record version 2');
  });

  it('refuses at append time a record that cannot be encoded, without disturbing the batch', async () => {
    const store = await openStore({ sqlitePath: ':memory:' });
    const log = new AuditLog({ repo: store.audit, nodeId: 'n', now: Date.now, signer: testSigner(), log: silentAuditLog, writeTimeoutMs: 5000 });
    await log.start();
    const bad = event();
    bad.requestParameters = { ratio: 0.5 };
    const good = event();
    const [r1, r2] = await Promise.allSettled([log.append(bad), log.append(good)]);
    expect(r1).toMatchObject({ status: 'rejected', reason: { name: 'AuditUnavailableError' } });
    expect(r2.status).toBe('fulfilled');
    expect((await store.audit.chain('n', 0, 10)).map((r) => r.eventId)).toStrictEqual([good.eventID]);
    await log.close();
    await store.close();
  });
});
