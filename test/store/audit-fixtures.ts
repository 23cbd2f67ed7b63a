/** Audit events and chains for the store behaviour suite (software signer, real store). */
import type { Store } from '../../src/kms/ports/store.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import { apiCallEvent } from '../../src/audit/build.js';
import type { CloudTrailEvent } from '../../src/audit/event.js';
import { userIdentityOf } from '../../src/audit/identity.js';
import { silentAuditLog, testSigner, type TestSigner } from '../support/audit-signer.js';
import { ACCOUNT, T0 } from './fixtures.js';

export const NODE = 'node-a';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KEY_ID}`;
export const ACCESS_KEY = 'AKIAAUDITTEST0000001';

export interface EventOptions {
  eventName?: string;
  accountId?: string;
  principal?: 'root' | 'alice';
  accessKeyId?: string;
  resources?: string[];
  error?: { code: string; message: string };
  time?: number;
}

export function makeEvent(o: EventOptions = {}): CloudTrailEvent {
  const accountId = o.accountId ?? ACCOUNT;
  const principalArn = o.principal === 'alice' ? `arn:aws:iam::${accountId}:user/alice` : `arn:aws:iam::${accountId}:root`;
  return apiCallEvent({
    eventName: o.eventName ?? 'Encrypt',
    time: o.time ?? T0,
    requestId: 'req-1',
    region: 'eu-west-1',
    sourceIp: '127.0.0.1',
    userAgent: 'test',
    userIdentity: userIdentityOf({ accountId, principalArn, principalType: o.principal === 'alice' ? 'user' : 'root', accessKeyId: o.accessKeyId ?? ACCESS_KEY }),
    recipientAccountId: accountId,
    requestParameters: { keyId: KEY_ID },
    responseElements: null,
    resources: o.resources ?? [KEY_ARN],
    error: o.error,
  });
}

export interface TestChain {
  log: AuditLog;
  signer: TestSigner;
  clock: { t: number };
}

/** An audit log over a real store, with a software signer and a clock the test moves. */
export async function auditLogOn(
  store: Store,
  opts: { nodeId?: string; signer?: TestSigner; writeTimeoutMs?: number; retentionDays?: number; maxBatch?: number; digestIntervalMs?: number } = {},
): Promise<TestChain> {
  const clock = { t: T0 };
  const signer = opts.signer ?? testSigner();
  const log = new AuditLog({
    repo: store.audit,
    nodeId: opts.nodeId ?? NODE,
    now: () => clock.t,
    signer,
    log: silentAuditLog,
    writeTimeoutMs: opts.writeTimeoutMs ?? 10_000,
    retentionDays: opts.retentionDays,
    maxBatch: opts.maxBatch,
    digestIntervalMs: opts.digestIntervalMs,
  });
  await log.start();
  return { log, signer, clock };
}

/**
 * `count` records (one second apart) with a signed digest after each entry of `digestsAfter`;
 * returns the event ids in sequence order (index 0 = seq 1).
 */
export async function buildChain(c: TestChain, count: number, digestsAfter: number[] = []): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i += 1) {
    c.clock.t += 1000;
    const e = makeEvent({ time: c.clock.t, eventName: i % 3 === 0 ? 'Decrypt' : 'Encrypt' });
    ids.push(e.eventID);
    await c.log.append(e, c.clock.t);
    if (digestsAfter.includes(i)) {
      c.clock.t += 1000;
      await c.log.digests.writeNow('test');
    }
  }
  return ids;
}
