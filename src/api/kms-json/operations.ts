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
import { listAliases } from '../../kms/ops/list-aliases.js';
import { listKeys } from '../../kms/ops/list-keys.js';
import { listResourceTags } from '../../kms/ops/list-resource-tags.js';
import { reEncrypt } from '../../kms/ops/re-encrypt.js';
import { scheduleKeyDeletion } from '../../kms/ops/schedule-key-deletion.js';
import { tagResource } from '../../kms/ops/tag-resource.js';
import { untagResource } from '../../kms/ops/untag-resource.js';
import { updateAlias } from '../../kms/ops/update-alias.js';
import { updateKeyDescription } from '../../kms/ops/update-key-description.js';

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
  ['ListAliases', listAliases],
  ['ListKeys', listKeys],
  ['ListResourceTags', listResourceTags],
  ['ReEncrypt', reEncrypt],
  ['ScheduleKeyDeletion', scheduleKeyDeletion],
  ['TagResource', tagResource],
  ['UntagResource', untagResource],
  ['UpdateAlias', updateAlias],
  ['UpdateKeyDescription', updateKeyDescription],
]);
