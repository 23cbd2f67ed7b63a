/**
 * Key resolution shared by GetKeyMetadata, Encrypt and Decrypt, in the order that reveals the
 * least: unknown key → KeyNotFoundException; then secondary authorization → AccessDeniedException;
 * only then key status and usage (checked by the operation).
 */
import type { XksContext } from './context.js';
import type { XksKeyRecord, XksKeyUsage, XksMaterialRecord } from './model.js';
import { xksMaterialKeyId } from './model.js';
import { evaluateXksRules } from './rules.js';
import type { MaterialRef } from '../ports/hsm.js';
import { AccessDeniedException, InvalidKeyUsageException, InvalidStateException, KeyNotFoundException } from './errors.js';

export async function loadAuthorizedKey(ctx: XksContext, externalKeyId: string): Promise<XksKeyRecord> {
  const key = await ctx.deps.store.xksKeys.get(ctx.tenant, externalKeyId);
  if (!key) throw new KeyNotFoundException(`External key ${externalKeyId} does not exist.`);
  const decision = evaluateXksRules(key.rules, ctx.metadata);
  if (!decision.allowed) {
    throw new AccessDeniedException(`Access to external key ${externalKeyId} denied: ${decision.reason}.`, decision.rule);
  }
  return key;
}

/** Crypto needs the external key ENABLED (spec: InvalidStateException when the key is disabled). */
export function assertEnabled(key: XksKeyRecord): void {
  if (key.status !== 'ENABLED') throw new InvalidStateException(`External key ${key.externalKeyId} is disabled.`);
}

export function assertUsage(key: XksKeyRecord, usage: XksKeyUsage, why = ''): void {
  if (!key.usages.includes(usage)) {
    throw new InvalidKeyUsageException(`External key ${key.externalKeyId} does not allow ${usage}${why}.`);
  }
}

export function materialRef(key: XksKeyRecord, m: XksMaterialRecord): MaterialRef {
  return { keyId: xksMaterialKeyId(key.tenant, key.externalKeyId), materialId: m.materialId, wrapped: m.wrapped };
}
