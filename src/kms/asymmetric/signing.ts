/**
 * The shared front half of Sign and Verify (AWS KMS API Reference: Sign, Verify; reference §3.3):
 * key, authorization, state, usage, algorithm and message type, then the token input.
 *
 * RAW messages are hashed here with the algorithm's hash and signed as a digest, so a message and
 * its DIGEST are the same message (Verify accepts either, as AWS does). ED25519_SHA_512 is RAW
 * only: pure Ed25519 signs the message itself. ED25519_PH_SHA_512 is refused with
 * UnsupportedOperationException where the HSM has no Ed25519ph (capabilities.ed25519Prehash).
 */
import { createHash } from 'node:crypto';
import type { OpContext } from '../context.js';
import type { KeyRecord } from '../model/key.js';
import type { MessageType, SigningAlgorithmSpec } from '../model/api-shapes.js';
import { resolveKey } from '../resolve-key.js';
import { authorize } from '../authorize.js';
import { assertUsableForCrypto } from '../key-state.js';
import { DryRunOperationException, UnsupportedOperationException, ValidationException } from '../errors.js';
import { assertKeyUsage, asymmetricSpec, currentKeyPair, incompatibleAlgorithm, type KeyPairRef } from './keys.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './specs.js';

export interface SigningInput {
  KeyId: string;
  Message: Buffer;
  MessageType?: MessageType;
  SigningAlgorithm: SigningAlgorithmSpec;
  GrantTokens?: string[];
  DryRun?: boolean;
}

export interface PreparedSignature {
  key: KeyRecord;
  pair: KeyPairRef;
  algorithm: SigningAlgorithm;
  /** The digest (RSA, ECDSA) or the message (Ed25519) the token signs. */
  input: Buffer;
}

function tokenInput(name: string, algorithm: SigningAlgorithm, messageType: MessageType, message: Buffer): Buffer {
  if (messageType === 'EXTERNAL_MU' || (algorithm.rawOnly && messageType === 'DIGEST')) {
    throw new ValidationException(`Message type ${messageType} is incompatible with algorithm ${name}.`);
  }
  if (algorithm.rawOnly) return message;
  if (messageType === 'RAW') return createHash(algorithm.hash).update(message).digest();
  if (message.length !== algorithm.digestBytes) throw new ValidationException(`Digest is invalid length for algorithm ${name}.`);
  return message;
}

export async function prepareSignature(ctx: OpContext, operation: 'Sign' | 'Verify', input: SigningInput): Promise<PreparedSignature> {
  const name = input.SigningAlgorithm;
  const messageType = input.MessageType ?? 'RAW';
  const { key, requestAlias } = await resolveKey(ctx, input.KeyId, 'key-or-alias');
  await authorize(ctx, operation, key, {
    grantTokens: input.GrantTokens,
    requestAlias,
    conditions: { 'kms:SigningAlgorithm': name, 'kms:MessageType': messageType },
  });
  assertUsableForCrypto(key);
  assertKeyUsage(key, 'SIGN_VERIFY', operation);
  const spec = asymmetricSpec(key, name);
  if (name === 'ED25519_PH_SHA_512' && spec.params.kind === 'ed25519' && !ctx.deps.hsm.asymmetric.capabilities.ed25519Prehash) {
    throw new UnsupportedOperationException('Signing algorithm ED25519_PH_SHA_512 (Ed25519ph) is not supported by this HSM; use ED25519_SHA_512.');
  }
  const algorithm = SIGNING_ALGORITHMS.get(name);
  if (!algorithm || !spec.signing.includes(name)) throw incompatibleAlgorithm(name, key);
  const data = tokenInput(name, algorithm, messageType, input.Message);
  const pair = await currentKeyPair(ctx, key, spec);
  if (input.DryRun) throw new DryRunOperationException();
  return { key, pair, algorithm, input: data };
}
