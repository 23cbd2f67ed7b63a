/**
 * Authorization hook called by every operation that touches a key: the key policy, the caller's
 * identity policies and the key's grants, evaluated by policy/ (reference §5.10, §5.11; the
 * machinery is in authz/). An explicit Deny wins; same-account access needs the key policy or
 * (when the key policy delegates to the account) an identity policy; cross-account access needs
 * both; a grant allows its operations on its own. Only the operations AWS allows across
 * accounts accept a key of another account. `extra` carries what conditions and grants need.
 */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import type { EncryptionContext } from './model/encryption-context.js';
import { requireKeyAccess } from './authz/key-access.js';

export interface AuthorizeExtra {
  /** The request's encryption context (kms:EncryptionContext:*, grant constraints). */
  encryptionContext?: EncryptionContext;
  /** GrantTokens from the request. */
  grantTokens?: string[];
  /** The alias name the request used to name the key (kms:RequestAlias). */
  requestAlias?: string;
  /** Further condition keys of the operation, e.g. kms:EncryptionAlgorithm, kms:SigningAlgorithm. */
  conditions?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

export async function authorize(ctx: OpContext, action: string, key: KeyRecord, extra: AuthorizeExtra = {}): Promise<void> {
  await requireKeyAccess(ctx, action, key, extra);
}
