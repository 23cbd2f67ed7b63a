/**
 * CreateKey (AWS KMS API Reference: CreateKey). Symmetric, HMAC, RSA and ECC keys, their material
 * generated in the token (key-material.ts); EXTERNAL origin (symmetric only) starts PendingImport.
 */
import type { OpContext } from '../context.js';
import type { CreateKeyRequest, CreateKeyResponse } from '../model/api-shapes.js';
import type { KeyMaterialRecord, KeyRecord, Tag } from '../model/key.js';
import { keyArn } from '../model/arn.js';
import { keyMetadata } from '../metadata.js';
import { checkPolicyDocument, defaultKeyPolicy } from '../key-policy.js';
import { checkTags } from '../tags.js';
import { authorizeCreateKey } from '../authz/create-key-access.js';
import { checkNewKeyPolicy } from '../authz/key-policy-checks.js';
import { newKeyId, newMaterialId } from '../../lib/ids.js';
import { checkNonSymmetricKey } from '../asymmetric/create-checks.js';
import { generateKeyMaterial } from '../key-material.js';
import {
  CustomKeyStoreNotFoundException,
  LimitExceededException,
  UnsupportedOperationException,
  ValidationException,
} from '../errors.js';

function keySpecOf(input: CreateKeyRequest): string {
  const { KeySpec, CustomerMasterKeySpec } = input;
  if (KeySpec && CustomerMasterKeySpec && KeySpec !== CustomerMasterKeySpec) {
    throw new ValidationException('You cannot specify both KeySpec and CustomerMasterKeySpec with different values.');
  }
  return KeySpec ?? CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
}

function checkSupported(input: CreateKeyRequest, keySpec: string, keyUsage: string): void {
  if (input.CustomKeyStoreId !== undefined) {
    throw new CustomKeyStoreNotFoundException(`Custom key store ${input.CustomKeyStoreId} does not exist.`);
  }
  if (input.Origin === 'AWS_CLOUDHSM' || input.Origin === 'EXTERNAL_KEY_STORE') {
    throw new UnsupportedOperationException(`Origin ${input.Origin} requires a custom key store, which Strongroom does not offer.`);
  }
  if (input.XksKeyId !== undefined) {
    throw new ValidationException('XksKeyId is valid only for keys in an external key store.');
  }
  if (input.MultiRegion) throw new UnsupportedOperationException('Multi-Region keys are not supported.');
  // HMAC, RSA and ECC specs (asymmetric/create-checks.ts); SM2 and ML-DSA stay unsupported.
  if (keySpec !== 'SYMMETRIC_DEFAULT') return checkNonSymmetricKey(input, keySpec);
  if (keyUsage !== 'ENCRYPT_DECRYPT') {
    throw new ValidationException(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}.`);
  }
}

export async function createKey(ctx: OpContext, input: CreateKeyRequest): Promise<CreateKeyResponse> {
  const { deps, caller } = ctx;
  await authorizeCreateKey(ctx, input);
  const keySpec = keySpecOf(input);
  const keyUsage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  checkSupported(input, keySpec, keyUsage);
  const tags: Tag[] = (input.Tags ?? []).map((t) => ({ TagKey: t.TagKey, TagValue: t.TagValue }));
  checkTags(tags);
  const policy = input.Policy ?? defaultKeyPolicy(deps.settings.partition, caller.accountId);
  checkPolicyDocument(policy, deps.settings.partition);
  if ((await deps.store.keys.count(caller.accountId, caller.region)) >= deps.settings.maxKeysPerAccountRegion) {
    throw new LimitExceededException('You have reached the limit of customer managed keys in this account and Region.');
  }

  const keyId = newKeyId();
  const now = deps.clock.now();
  const external = input.Origin === 'EXTERNAL';
  const key: KeyRecord = {
    keyId,
    accountId: caller.accountId,
    region: caller.region,
    arn: keyArn({ partition: deps.settings.partition, accountId: caller.accountId, region: caller.region }, keyId),
    description: input.Description ?? '',
    keyUsage,
    keySpec,
    origin: external ? 'EXTERNAL' : 'AWS_KMS',
    keyState: external ? 'PendingImport' : 'Enabled',
    creationDate: now,
    policy,
    multiRegion: false,
  };
  // Principals must exist, and the caller must keep kms:PutKeyPolicy (the lockout safety check).
  if (input.Policy !== undefined) await checkNewKeyPolicy(ctx, policy, key, input.BypassPolicyLockoutSafetyCheck === true);
  let material: KeyMaterialRecord | undefined;
  if (!external) {
    const materialId = newMaterialId();
    material = await generateKeyMaterial(deps, key, materialId, now);
    key.currentMaterialId = materialId;
  }
  try {
    await deps.store.keys.create(key, material, tags);
  } catch (e) {
    // Token mode: the token object exists but its row does not; remove it so nothing is orphaned.
    if (material) await deps.hsm.destroyMaterial({ keyId, materialId: material.materialId, wrapped: material.wrapped }).catch(() => {});
    throw e;
  }
  return { KeyMetadata: keyMetadata(key) };
}
