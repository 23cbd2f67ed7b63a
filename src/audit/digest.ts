/**
 * Signed digests, the equivalent of CloudTrail's log-file integrity digests: periodically (and
 * on shutdown) a digest names the node, the range of sequence numbers it covers, the hash of the
 * last record (which, through the chain, commits to every record before it), the time and the
 * previous digest's hash. Its canonical body is hashed with SHA-256 and the hash is signed in the
 * token with a non-extractable ECDSA P-256 key (SoftHSM has no CKM_ECDSA_SHA256: we hash, the
 * token signs the digest with CKM_ECDSA; notes §3f). Anyone holding the exported public key checks
 * signatures offline with node:crypto.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { AuditDigestRow } from '../kms/ports/store-audit.js';
import { canonicalJson, sha256Bytes, sha256HexOfBytes } from './canonical.js';
import { CHAIN_VERSION, MalformedAuditBodyError } from './chain.js';

export interface DigestEnvelope {
  kind: 'digest';
  version: number;
  nodeId: string;
  digestSequence: number;
  firstSequence: number;
  lastSequence: number;
  headHash: string;
  previousDigestHash: string;
  /** ISO-8601 with milliseconds. */
  digestTime: string;
  /** Lower-case hex SHA-256 of the signing key's DER SubjectPublicKeyInfo. */
  publicKeyFingerprint: string;
}

export interface DigestFields {
  nodeId: string;
  digestSeq: number;
  firstSeq: number;
  lastSeq: number;
  headHash: string;
  prevDigestHash: string;
  digestTime: number;
  publicKeyFingerprint: string;
}

/** Names the signing key inside each digest, so a verifier knows which public key to use. */
export function publicKeyFingerprint(spki: Uint8Array): string {
  return sha256HexOfBytes(spki);
}

export function digestBody(f: DigestFields): string {
  const envelope: DigestEnvelope = {
    kind: 'digest',
    version: CHAIN_VERSION,
    nodeId: f.nodeId,
    digestSequence: f.digestSeq,
    firstSequence: f.firstSeq,
    lastSequence: f.lastSeq,
    headHash: f.headHash,
    previousDigestHash: f.prevDigestHash,
    digestTime: new Date(f.digestTime).toISOString(),
    publicKeyFingerprint: f.publicKeyFingerprint,
  };
  return canonicalJson(envelope);
}

/**
 * Builds and signs a digest. `signBody` returns the ECDSA-P256-SHA256 signature of the body as raw
 * r‖s (64 bytes); with the token that is CKM_ECDSA over SHA-256(body) (see auditSignerOf).
 */
export async function makeDigest(f: DigestFields, signBody: (body: Buffer) => Promise<Buffer>): Promise<AuditDigestRow> {
  const body = digestBody(f);
  const hash = sha256Bytes(body);
  const signature = await signBody(Buffer.from(body, 'utf8'));
  return {
    nodeId: f.nodeId,
    digestSeq: f.digestSeq,
    firstSeq: f.firstSeq,
    lastSeq: f.lastSeq,
    headHash: f.headHash,
    prevDigestHash: f.prevDigestHash,
    digestTime: f.digestTime,
    body,
    hash: hash.toString('hex'),
    signature: signature.toString('hex'),
  };
}

export function signingKeyObject(spki: Buffer): KeyObject {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

/** ECDSA-P256-SHA256 over the body, signature in IEEE P1363 form (r‖s), as CKM_ECDSA returns it. */
export function digestSignatureValid(body: string, signatureHex: string, key: KeyObject): boolean {
  if (!/^[0-9a-f]{128}$/.test(signatureHex)) return false;
  return verifySignature('sha256', Buffer.from(body, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureHex, 'hex'));
}

export function parseDigestBody(body: string): DigestEnvelope {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new MalformedAuditBodyError('digest body is not JSON');
  }
  const d = v as Partial<DigestEnvelope> | null;
  if (
    d === null ||
    typeof d !== 'object' ||
    d.kind !== 'digest' ||
    d.version !== CHAIN_VERSION ||
    typeof d.nodeId !== 'string' ||
    typeof d.digestSequence !== 'number' ||
    typeof d.firstSequence !== 'number' ||
    typeof d.lastSequence !== 'number' ||
    typeof d.headHash !== 'string' ||
    typeof d.previousDigestHash !== 'string' ||
    typeof d.digestTime !== 'string' ||
    typeof d.publicKeyFingerprint !== 'string'
  ) {
    throw new MalformedAuditBodyError('body is not a version 1 digest envelope');
  }
  return d as DigestEnvelope;
}
