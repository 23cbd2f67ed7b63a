/**
 * GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext (AWS KMS API Reference; reference
 * §2.3): a fresh key pair whose PKCS#8 private key is encrypted under a symmetric KMS key with the
 * encryption context, so Decrypt of PrivateKeyCiphertextBlob returns the PKCS#8 DER.
 *
 * The pair is generated in node:crypto (OpenSSL's RNG), not in the token: a data key pair exists
 * to be used outside KMS, its private key is handed to the caller (or to whoever decrypts it)
 * anyway, and SoftHSM cannot export a private key in plaintext. What stays in the token is the
 * symmetric KMS key that protects it. Our copy of the PKCS#8 bytes is zeroed after use (OpenSSL's
 * internal copy inside the KeyObject is freed by the garbage collector and cannot be zeroed).
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import type { DataKeyPairSpec } from './model/api-shapes.js';
import type { EncryptionContext } from './model/encryption-context.js';
import { resolveKey } from './resolve-key.js';
import { authorize } from './authorize.js';
import { assertUsableForCrypto } from './key-state.js';
import { assertSymmetricEncryptKey, encryptUnderKey } from './symmetric.js';
import { DryRunOperationException, UnsupportedOperationException } from './errors.js';
import { zero } from '../lib/bytes.js';

const generate = promisify(generateKeyPair);

export interface DataKeyPairInput {
  KeyId: string;
  KeyPairSpec: DataKeyPairSpec;
  EncryptionContext?: EncryptionContext;
  GrantTokens?: string[];
  DryRun?: boolean;
  Recipient?: unknown;
}

export interface DataKeyPair {
  key: KeyRecord;
  /** PKCS#8 DER; the caller zeroes it (or hands it to the response writer, which does). */
  privateKey: Buffer;
  publicKey: Buffer;
  privateKeyCiphertext: Buffer;
  materialId: string;
}

async function newPair(spec: DataKeyPairSpec): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (spec) {
    case 'RSA_2048':
    case 'RSA_3072':
    case 'RSA_4096':
      return generate('rsa', { modulusLength: Number(spec.slice(4)), publicExponent: 0x10001 });
    case 'ECC_NIST_P256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'ECC_NIST_P384':
      return generate('ec', { namedCurve: 'P-384' });
    case 'ECC_NIST_P521':
      return generate('ec', { namedCurve: 'P-521' });
    case 'ECC_SECG_P256K1':
      return generate('ec', { namedCurve: 'secp256k1' });
    case 'ECC_NIST_EDWARDS25519':
      return generate('ed25519', {});
    default:
      // SM2 exists only in AWS China Regions.
      throw new UnsupportedOperationException(`KeyPairSpec ${spec} is not supported.`);
  }
}

export async function generateDataKeyPairUnder(ctx: OpContext, operation: string, input: DataKeyPairInput): Promise<DataKeyPair> {
  if (input.Recipient !== undefined) {
    throw new UnsupportedOperationException('Recipient (Nitro Enclaves attestation) is not supported.');
  }
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, operation, key, {
    encryptionContext: input.EncryptionContext,
    grantTokens: input.GrantTokens,
    requestAlias,
    // kms:EncryptionAlgorithm: the private key is encrypted under the KMS key with SYMMETRIC_DEFAULT.
    conditions: { 'kms:DataKeyPairSpec': input.KeyPairSpec, 'kms:EncryptionAlgorithm': 'SYMMETRIC_DEFAULT' },
  });
  assertUsableForCrypto(key);
  // The key-usage rules of KMS keys do not apply to the pair; the wrapping key must be symmetric.
  assertSymmetricEncryptKey(key, operation);
  if (input.KeyPairSpec === 'SM2') throw new UnsupportedOperationException('KeyPairSpec SM2 is not supported.');
  if (input.DryRun) throw new DryRunOperationException();
  const pair = await newPair(input.KeyPairSpec);
  const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    const sealed = await encryptUnderKey(ctx, key, privateKey, input.EncryptionContext);
    return {
      key,
      privateKey,
      publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }),
      privateKeyCiphertext: sealed.blob,
      materialId: sealed.materialId,
    };
  } catch (e) {
    zero(privateKey);
    throw e;
  }
}
