/**
 * Grant tokens (reference §5.5): opaque, not secret, a fresh one per CreateGrant call, all
 * tokens of one grant interchangeable. Ours encode the grant id with a random nonce:
 * base64url(0x01 ‖ grant id (32 bytes) ‖ nonce (32 bytes)). The store is strongly consistent, so
 * a grant applies from the moment CreateGrant returns, token or not; a token is validated (an
 * undecodable one is InvalidGrantTokenException) and identifies its grant for RetireGrant.
 */
import { randomBytes } from 'node:crypto';
import { InvalidGrantTokenException } from '../errors.js';

const VERSION = 0x01;
const GRANT_ID_BYTES = 32;
const NONCE_BYTES = 32;
const TOKEN_BYTES = 1 + GRANT_ID_BYTES + NONCE_BYTES;
const GRANT_ID_RE = /^[0-9a-f]{64}$/;

export function isGrantId(s: string): boolean {
  return GRANT_ID_RE.test(s);
}

export function newGrantId(): string {
  return randomBytes(GRANT_ID_BYTES).toString('hex');
}

export function newGrantToken(grantId: string): string {
  if (!isGrantId(grantId)) throw new Error(`not a grant id: ${grantId}`);
  return Buffer.concat([Buffer.of(VERSION), Buffer.from(grantId, 'hex'), randomBytes(NONCE_BYTES)]).toString('base64url');
}

/** The grant id a token names; undefined for anything that is not a token of ours. */
export function grantIdOfToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== TOKEN_BYTES || raw[0] !== VERSION || raw.toString('base64url') !== token) return undefined;
  return raw.subarray(1, 1 + GRANT_ID_BYTES).toString('hex');
}

export function assertGrantTokens(tokens: readonly string[] | undefined): void {
  for (const t of tokens ?? []) {
    if (grantIdOfToken(t) === undefined) throw new InvalidGrantTokenException('Invalid grant token.');
  }
}
