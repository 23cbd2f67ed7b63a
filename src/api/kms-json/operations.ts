/**
 * The explicit dispatch table: X-Amz-Target operation name → handler. A Map, so a target such
 * as `TrentService.__proto__` or `constructor` cannot reach anything not listed here.
 */
import type { OpContext } from '../../kms/context.js';
import { cancelKeyDeletion } from '../../kms/ops/cancel-key-deletion.js';
import { createAlias } from '../../kms/ops/create-alias.js';
import { createKey } from '../../kms/ops/create-key.js';
import { decrypt } from '../../kms/ops/decrypt.js';
import { deleteAlias } from '../../kms/ops/delete-alias.js';
import { describeKey } from '../../kms/ops/describe-key.js';
import { disableKey } from '../../kms/ops/disable-key.js';
import { enableKey } from '../../kms/ops/enable-key.js';
import { encrypt } from '../../kms/ops/encrypt.js';
import { generateDataKey } from '../../kms/ops/generate-data-key.js';
import { generateDataKeyWithoutPlaintext } from '../../kms/ops/generate-data-key-without-plaintext.js';
import { generateRandom } from '../../kms/ops/generate-random.js';
import { deriveSharedSecret } from '../../kms/ops/derive-shared-secret.js';
import { generateDataKeyPair } from '../../kms/ops/generate-data-key-pair.js';
import { generateDataKeyPairWithoutPlaintext } from '../../kms/ops/generate-data-key-pair-without-plaintext.js';
import { generateMac } from '../../kms/ops/generate-mac.js';
import { getPublicKey } from '../../kms/ops/get-public-key.js';
import { sign } from '../../kms/ops/sign.js';
import { verify } from '../../kms/ops/verify.js';
import { verifyMac } from '../../kms/ops/verify-mac.js';
import { listAliases } from '../../kms/ops/list-aliases.js';
import { listKeys } from '../../kms/ops/list-keys.js';
import { listResourceTags } from '../../kms/ops/list-resource-tags.js';
import { reEncrypt } from '../../kms/ops/re-encrypt.js';
import { scheduleKeyDeletion } from '../../kms/ops/schedule-key-deletion.js';
import { tagResource } from '../../kms/ops/tag-resource.js';
import { untagResource } from '../../kms/ops/untag-resource.js';
import { updateAlias } from '../../kms/ops/update-alias.js';
import { updateKeyDescription } from '../../kms/ops/update-key-description.js';
import { createGrant } from '../../kms/ops/create-grant.js';
import { getKeyPolicy } from '../../kms/ops/get-key-policy.js';
import { listGrants } from '../../kms/ops/list-grants.js';
import { listKeyPolicies } from '../../kms/ops/list-key-policies.js';
import { listRetirableGrants } from '../../kms/ops/list-retirable-grants.js';
import { putKeyPolicy } from '../../kms/ops/put-key-policy.js';
import { retireGrant } from '../../kms/ops/retire-grant.js';
import { revokeGrant } from '../../kms/ops/revoke-grant.js';
import { enableKeyRotation } from '../../kms/ops/enable-key-rotation.js';
import { disableKeyRotation } from '../../kms/ops/disable-key-rotation.js';
import { getKeyRotationStatus } from '../../kms/ops/get-key-rotation-status.js';
import { rotateKeyOnDemand } from '../../kms/ops/rotate-key-on-demand.js';
import { listKeyRotations } from '../../kms/ops/list-key-rotations.js';
import { getParametersForImport } from '../../kms/ops/get-parameters-for-import.js';
import { importKeyMaterial } from '../../kms/ops/import-key-material.js';
import { deleteImportedKeyMaterial } from '../../kms/ops/delete-imported-key-material.js';

// Each handler's input is the decoded request of the operation of the same name (validate.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (ctx: OpContext, input: any) => Promise<object>;

export const KMS_OPERATIONS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['CancelKeyDeletion', cancelKeyDeletion],
  ['CreateAlias', createAlias],
  ['CreateKey', createKey],
  ['Decrypt', decrypt],
  ['DeleteAlias', deleteAlias],
  ['DescribeKey', describeKey],
  ['DisableKey', disableKey],
  ['EnableKey', enableKey],
  ['Encrypt', encrypt],
  ['GenerateDataKey', generateDataKey],
  ['GenerateDataKeyWithoutPlaintext', generateDataKeyWithoutPlaintext],
  ['GenerateRandom', generateRandom],
  // Asymmetric and HMAC keys (issue 8).
  ['DeriveSharedSecret', deriveSharedSecret],
  ['GenerateDataKeyPair', generateDataKeyPair],
  ['GenerateDataKeyPairWithoutPlaintext', generateDataKeyPairWithoutPlaintext],
  ['GenerateMac', generateMac],
  ['GetPublicKey', getPublicKey],
  ['Sign', sign],
  ['Verify', verify],
  ['VerifyMac', verifyMac],
  ['ListAliases', listAliases],
  ['ListKeys', listKeys],
  ['ListResourceTags', listResourceTags],
  ['ReEncrypt', reEncrypt],
  ['ScheduleKeyDeletion', scheduleKeyDeletion],
  ['TagResource', tagResource],
  ['UntagResource', untagResource],
  ['UpdateAlias', updateAlias],
  ['UpdateKeyDescription', updateKeyDescription],
  ['CreateGrant', createGrant],
  ['GetKeyPolicy', getKeyPolicy],
  ['ListGrants', listGrants],
  ['ListKeyPolicies', listKeyPolicies],
  ['ListRetirableGrants', listRetirableGrants],
  ['PutKeyPolicy', putKeyPolicy],
  ['RetireGrant', retireGrant],
  ['RevokeGrant', revokeGrant],
  // Rotation and imported key material (issue 7).
  ['EnableKeyRotation', enableKeyRotation],
  ['DisableKeyRotation', disableKeyRotation],
  ['GetKeyRotationStatus', getKeyRotationStatus],
  ['RotateKeyOnDemand', rotateKeyOnDemand],
  ['ListKeyRotations', listKeyRotations],
  ['GetParametersForImport', getParametersForImport],
  ['ImportKeyMaterial', importKeyMaterial],
  ['DeleteImportedKeyMaterial', deleteImportedKeyMaterial],
]);
