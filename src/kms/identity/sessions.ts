/**
 * Temporary credentials (STS AssumeRole, as far as a self-hosted KMS needs it): a session of a
 * role gets an access key id (`ASIA…`), a secret and a session token, valid until an expiry.
 * The caller is then `arn:<partition>:sts::<acct>:assumed-role/<role>/<session>`, and the
 * role's identity policies apply. The secret is sealed under the token's service-secrets key
 * like a long-term secret; of the session token only a SHA-256 is stored, compared in constant
 * time. Role names have no IAM path here, so the role ARN follows from the session ARN.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Store } from '../ports/store.js';
import type { Hsm } from '../ports/hsm.js';
import type { PrincipalRecord } from '../model/identity.js';
import type { SessionRecord } from '../model/iam.js';
import { zero } from '../../lib/bytes.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const SESSION_KEY_PREFIX = 'ASIA';
/** STS AssumeRole: DurationSeconds 900 (15 minutes) to 43200 (12 hours), default 3600. */
export const MIN_SESSION_SECONDS = 900;
export const MAX_SESSION_SECONDS = 43_200;
export const DEFAULT_SESSION_SECONDS = 3_600;
/** STS RoleSessionName: 2–64 characters of `[\w+=,.@-]`. */
export const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/;

function base32(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

export function newSessionAccessKeyId(): string {
  return SESSION_KEY_PREFIX + base32(randomBytes(16));
}

export function isSessionAccessKeyId(accessKeyId: string): boolean {
  return accessKeyId.startsWith(SESSION_KEY_PREFIX);
}

export function sessionSecretAad(accessKeyId: string): Buffer {
  return Buffer.from(`strongroom/session/v1/${accessKeyId}`, 'utf8');
}

export function sessionTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function assumedRoleArn(roleArn: string, sessionName: string): string {
  const m = /^arn:([^:]+):iam::(\d{12}):role\/(.+)$/.exec(roleArn);
  if (!m) throw new Error(`not a role ARN: ${roleArn}`);
  return `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${sessionName}`;
}

/** The role ARN of an assumed-role session ARN (aws:PrincipalArn, identity policies); undefined otherwise. */
export function roleArnOfSession(sessionArn: string): string | undefined {
  const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(sessionArn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}

/** STS's AssumedRoleId: the role's unique id (AROA…, stable per role) and the session name. */
export function assumedRoleId(roleArn: string, sessionName: string): string {
  return `AROA${base32(createHash('sha256').update(roleArn).digest().subarray(0, 17))}:${sessionName}`;
}

export interface IssuedSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds. */
  expiration: number;
  arn: string;
  assumedRoleId: string;
}

/** Creates a session for `role`; the caller checks the name and the duration range. */
export async function assumeRole(
  store: Store,
  hsm: Hsm,
  role: PrincipalRecord,
  sessionName: string,
  durationSeconds: number,
  now: number,
): Promise<IssuedSession> {
  if (role.type !== 'role') throw new Error(`${role.arn} is not a role`);
  const accessKeyId = newSessionAccessKeyId();
  // 40 characters of base64, like AWS secrets (and access-keys.ts newSecretAccessKey).
  const secretAccessKey = randomBytes(30).toString('base64');
  const sessionToken = randomBytes(96).toString('base64');
  const arn = assumedRoleArn(role.arn, sessionName);
  const secret = Buffer.from(secretAccessKey, 'utf8');
  try {
    const record: SessionRecord = {
      accessKeyId,
      accountId: role.accountId,
      roleArn: role.arn,
      sessionName,
      arn,
      secretSealed: await hsm.sealServiceSecret(secret, sessionSecretAad(accessKeyId)),
      tokenHash: sessionTokenHash(sessionToken),
      expiresAt: now + durationSeconds * 1000,
      createdAt: now,
    };
    await store.iam.createSession(record);
    return { accessKeyId, secretAccessKey, sessionToken, expiration: record.expiresAt, arn, assumedRoleId: assumedRoleId(role.arn, sessionName) };
  } finally {
    zero(secret);
  }
}

/** The session of `accessKeyId` if `sessionToken` is its token (expired sessions included). */
export async function findSession(store: Store, accessKeyId: string, sessionToken: string | undefined): Promise<SessionRecord | undefined> {
  if (sessionToken === undefined) return undefined;
  const session = await store.iam.getSession(accessKeyId);
  if (!session) return undefined;
  const given = sessionTokenHash(sessionToken);
  return given.length === session.tokenHash.length && timingSafeEqual(given, session.tokenHash) ? session : undefined;
}
