/** Record builders for the store behaviour suite: valid defaults, overridable per test. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AliasRecord, KeyMaterialRecord, KeyRecord } from '../../src/kms/model/key.js';
import type { AccessKeyRecord, PrincipalRecord } from '../../src/kms/model/identity.js';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';
export const T0 = 1_700_000_000_000;

export function makeKey(over: Partial<KeyRecord> = {}): KeyRecord {
  const keyId = over.keyId ?? randomUUID();
  const accountId = over.accountId ?? ACCOUNT;
  const region = over.region ?? REGION;
  return {
    keyId,
    accountId,
    region,
    arn: `arn:aws:kms:${region}:${accountId}:key/${keyId}`,
    description: 'test key',
    keyUsage: 'ENCRYPT_DECRYPT',
    keySpec: 'SYMMETRIC_DEFAULT',
    origin: 'AWS_KMS',
    keyState: 'Enabled',
    creationDate: T0,
    policy: '{"Version":"2012-10-17","Statement":[]}',
    multiRegion: false,
    ...over,
  };
}

export function makeMaterial(keyId: string, over: Partial<KeyMaterialRecord> = {}): KeyMaterialRecord {
  return {
    keyId,
    materialId: randomBytes(32).toString('hex'),
    createdAt: T0,
    storage: 'wrapped',
    wrapped: randomBytes(40),
    state: 'CURRENT',
    ...over,
  };
}

/** A key whose record already names its first material, as CreateKey writes it. */
export function makeKeyWithMaterial(over: Partial<KeyRecord> = {}): { key: KeyRecord; material: KeyMaterialRecord } {
  const key = makeKey(over);
  const material = makeMaterial(key.keyId);
  key.currentMaterialId = material.materialId;
  return { key, material };
}

export function makeAlias(targetKeyId: string, aliasName: string, over: Partial<AliasRecord> = {}): AliasRecord {
  return { accountId: ACCOUNT, region: REGION, aliasName, targetKeyId, creationDate: T0, lastUpdatedDate: T0, ...over };
}

export function makePrincipal(name: string, over: Partial<PrincipalRecord> = {}): PrincipalRecord {
  const accountId = over.accountId ?? ACCOUNT;
  return { arn: `arn:aws:iam::${accountId}:user/${name}`, accountId, type: 'user', name, createdAt: T0, ...over };
}

export function makeAccessKey(accessKeyId: string, principal: PrincipalRecord, over: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    accessKeyId,
    accountId: principal.accountId,
    principalArn: principal.arn,
    secretSealed: randomBytes(60),
    status: 'Active',
    createdAt: T0,
    ...over,
  };
}

/** Sorted copy, by the same byte order both backends paginate in. */
export function sortedBy<T>(items: T[], key: (t: T) => string): T[] {
  return [...items].sort((a, b) => Buffer.compare(Buffer.from(key(a)), Buffer.from(key(b))));
}
