/**
 * Helpers for the asymmetric / HMAC end-to-end suites: the AWS algorithm tables written out
 * independently of src/ (so the tests do not agree with the code by construction), node:crypto
 * verification from a GetPublicKey SPKI, and a second account's client for denied-caller tests.
 */
import { createPublicKey, verify as nodeVerify, constants, type KeyObject } from 'node:crypto';
import { CreateKeyCommand, KMSClient, type KeySpec, type KeyUsageType } from '@aws-sdk/client-kms';
import { createAccessKey, ensureAccountRoot, newAccessKeyId, newSecretAccessKey } from '../../src/kms/identity/access-keys.js';
import type { TestServer } from '../support/server.js';

const RSA_ALGORITHMS = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];

/** AWS KMS Developer Guide, "Asymmetric key specs" (reference §3.1): spec → signing algorithms. */
export const SIGNING_SPECS: ReadonlyArray<{ spec: KeySpec; algorithms: string[] }> = [
  { spec: 'RSA_2048', algorithms: RSA_ALGORITHMS },
  { spec: 'RSA_3072', algorithms: RSA_ALGORITHMS },
  { spec: 'RSA_4096', algorithms: RSA_ALGORITHMS },
  { spec: 'ECC_NIST_P256', algorithms: ['ECDSA_SHA_256'] },
  { spec: 'ECC_NIST_P384', algorithms: ['ECDSA_SHA_384'] },
  { spec: 'ECC_NIST_P521', algorithms: ['ECDSA_SHA_512'] },
  { spec: 'ECC_SECG_P256K1', algorithms: ['ECDSA_SHA_256'] },
  { spec: 'ECC_NIST_EDWARDS25519', algorithms: ['ED25519_SHA_512'] },
];

export function hashOf(algorithm: string): 'sha256' | 'sha384' | 'sha512' {
  if (algorithm.endsWith('SHA_256')) return 'sha256';
  if (algorithm.endsWith('SHA_384')) return 'sha384';
  return 'sha512';
}

export function publicKeyOf(spki: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
}

/** node:crypto's verdict on a KMS signature over the full message. */
export function verifiedByNode(spki: Uint8Array, algorithm: string, message: Buffer, signature: Uint8Array): boolean {
  const key = publicKeyOf(spki);
  const sig = Buffer.from(signature);
  if (algorithm === 'ED25519_SHA_512') return nodeVerify(null, message, key, sig);
  const hash = hashOf(algorithm);
  if (algorithm.startsWith('RSASSA_PSS')) {
    const saltLength = { sha256: 32, sha384: 48, sha512: 64 }[hash];
    return nodeVerify(hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
  }
  if (algorithm.startsWith('ECDSA')) return nodeVerify(hash, message, { key, dsaEncoding: 'der' }, sig);
  return nodeVerify(hash, message, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
}

/** Creates the keys in parallel (RSA-4096 generation takes about a second in SoftHSM). */
export async function createKeys(kms: KMSClient, specs: ReadonlyArray<readonly [KeySpec, KeyUsageType]>): Promise<Map<string, string>> {
  const ids = await Promise.all(
    specs.map(async ([KeySpec, KeyUsage]) => (await kms.send(new CreateKeyCommand({ KeySpec, KeyUsage }))).KeyMetadata!.KeyId!),
  );
  return new Map(specs.map(([spec, usage], i) => [`${spec}/${usage}`, ids[i]!]));
}

/** A client of another account (its own root and access key) on the same server. */
export async function otherAccountClient(srv: TestServer, accountId = '444455556666'): Promise<KMSClient> {
  const { store, hsm, settings, clock } = srv.svc.deps;
  const root = await ensureAccountRoot(store, settings.partition, accountId, clock.now());
  const key = { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() };
  await createAccessKey(store, hsm, root, key, clock.now());
  return srv.kms({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
}

export function flip(bytes: Uint8Array, index = 0): Buffer {
  const b = Buffer.from(bytes);
  const i = index < 0 ? b.length + index : index;
  b[i]! ^= 0x01;
  return b;
}
