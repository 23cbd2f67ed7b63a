/** KeyMetadata as AWS returns it from CreateKey and DescribeKey (reference §5.7). */
import type { KeyRecord } from './model/key.js';
import type { CustomerMasterKeySpec, KeyMetadata, KeySpec } from './model/api-shapes.js';
import { toEpochSeconds } from '../lib/time.js';
import { algorithmFields } from './asymmetric/specs.js';

export function keyMetadata(key: KeyRecord): KeyMetadata {
  const md: KeyMetadata = {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: toEpochSeconds(key.creationDate),
    Enabled: key.keyState === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.keyState,
    Origin: key.origin,
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec as CustomerMasterKeySpec,
    KeySpec: key.keySpec as KeySpec,
    MultiRegion: key.multiRegion,
  };
  if (key.keyState === 'PendingDeletion' && key.deletionDate !== undefined) md.DeletionDate = toEpochSeconds(key.deletionDate);
  if (key.keyUsage === 'ENCRYPT_DECRYPT' && key.keySpec === 'SYMMETRIC_DEFAULT') md.EncryptionAlgorithms = ['SYMMETRIC_DEFAULT'];
  // HMAC, RSA and ECC keys: MacAlgorithms / EncryptionAlgorithms / SigningAlgorithms / KeyAgreementAlgorithms.
  Object.assign(md, algorithmFields(key.keySpec, key.keyUsage));
  if (key.currentMaterialId) md.CurrentKeyMaterialId = key.currentMaterialId;
  return md;
}
