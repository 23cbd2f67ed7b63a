/**
 * Authorization hook called by every operation that touches a key. Until key policies, identity
 * policies and grants are enforced (their own issue), the rule is AWS's default key policy: the
 * owning account has `kms:*`, every other account is denied. `extra` carries what conditions and
 * grants need, so the call sites do not change when they are.
 */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import type { EncryptionContext } from './model/encryption-context.js';
import { AccessDeniedException } from './errors.js';

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

export async function authorize(ctx: OpContext, action: string, key: KeyRecord, _extra: AuthorizeExtra = {}): Promise<void> {
  if (key.accountId === ctx.caller.accountId) return;
  throw new AccessDeniedException(
    `User: ${ctx.caller.principalArn} is not authorized to perform: kms:${action} on resource: ${key.arn} because no resource-based policy allows the kms:${action} action`,
  );
}
