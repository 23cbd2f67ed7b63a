/**
 * The request context policies are evaluated against (reference §5.10 "KMS condition keys";
 * IAM User Guide, "AWS global condition context keys"). Keys derived from the key's properties
 * (kms:KeySpec, kms:KeyUsage, kms:KeyOrigin, kms:MultiRegion) are cheap and always present;
 * aws:ResourceTag/* and kms:ResourceAliases cost a store read and are loaded only when a policy
 * in play names them. kms:ViaService is never set: no AWS service calls on a caller's behalf
 * here. aws:SecureTransport is false: the KMS endpoint is plain HTTP (TLS, if any, ends in
 * front of it). aws:CurrentTime / aws:EpochTime come from the KMS clock (policy/ derives them).
 */
import type { OpContext } from '../context.js';
import type { KeyRecord } from '../model/key.js';
import type { AuthorizeExtra } from '../authorize.js';
import { encryptionContextConditionKeys, type ConditionValue, type Policy, type RequestContext } from '../../policy/index.js';
import type { CallerPolicies } from './caller.js';
import type { PolicyCache } from './policy-cache.js';

const PRINCIPAL_TYPE: Record<OpContext['caller']['principalType'], string> = {
  root: 'Account',
  user: 'User',
  role: 'AssumedRole',
  'assumed-role': 'AssumedRole',
};

/** Node reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`; policies name a.b.c.d. */
function sourceIp(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  return m ? m[1] : raw;
}

function callerKeys(ctx: OpContext, who: CallerPolicies, keys: Map<string, ConditionValue>): void {
  const { caller } = ctx;
  keys.set('aws:PrincipalArn', who.principalArnKey);
  keys.set('aws:PrincipalType', PRINCIPAL_TYPE[caller.principalType]);
  if (caller.principalType === 'user') keys.set('aws:username', caller.principalArn.slice(caller.principalArn.indexOf(':user/') + 6));
  const ip = sourceIp(caller.sourceIp);
  if (ip !== undefined) keys.set('aws:SourceIp', ip);
  keys.set('aws:SecureTransport', false);
  keys.set('aws:RequestedRegion', caller.region);
}

function keyResourceKeys(key: KeyRecord, keys: Map<string, ConditionValue>): void {
  keys.set('kms:KeySpec', key.keySpec);
  keys.set('kms:KeyUsage', key.keyUsage);
  keys.set('kms:KeyOrigin', key.origin);
  keys.set('kms:MultiRegion', key.multiRegion);
  // Deprecated names, still accepted in policies.
  keys.set('kms:CustomerMasterKeySpec', key.keySpec);
  keys.set('kms:CustomerMasterKeyUsage', key.keyUsage);
}

async function lazyKeyKeys(ctx: OpContext, key: KeyRecord, policies: readonly Policy[], cache: PolicyCache, keys: Map<string, ConditionValue>): Promise<void> {
  const needTags = policies.some((p) => cache.needs(p).resourceTags);
  const needAliases = policies.some((p) => cache.needs(p).resourceAliases);
  if (!needTags && !needAliases) return;
  const { store } = ctx.deps;
  const [tags, aliases] = await Promise.all([
    needTags ? store.tags.list(key.keyId, { limit: 50 }) : undefined,
    needAliases ? store.aliases.listForKey(key.keyId) : undefined,
  ]);
  if (tags) for (const t of tags.items) keys.set(`aws:ResourceTag/${t.TagKey}`, t.TagValue);
  if (aliases && aliases.length > 0) keys.set('kms:ResourceAliases', aliases.map((a) => a.aliasName));
}

export interface RequestParts {
  action: string;
  /** The key ARN, an alias ARN, or `*` for operations that are not key-scoped. */
  resource: string;
  key?: KeyRecord;
  extra: AuthorizeExtra;
  /** The policies that will be evaluated (to decide which lazy keys to load). */
  policies: readonly Policy[];
}

export async function buildRequestContext(ctx: OpContext, who: CallerPolicies, cache: PolicyCache, parts: RequestParts): Promise<RequestContext> {
  // KMS operations are named bare (`Encrypt`); another service's action comes qualified (`cloudtrail:LookupEvents`).
  const action = parts.action.includes(':') ? parts.action : `kms:${parts.action}`;
  const base = { action, resource: parts.resource, principal: who.principal, now: ctx.deps.clock.now() };
  // The hot path: the default key policy and plain identity policies have no conditions.
  if (!parts.policies.some((p) => cache.needs(p).conditionKeys)) return { ...base, conditionKeys: new Map() };
  const keys = new Map<string, ConditionValue>();
  callerKeys(ctx, who, keys);
  if (parts.key) {
    keyResourceKeys(parts.key, keys);
    await lazyKeyKeys(ctx, parts.key, parts.policies, cache, keys);
  }
  for (const [k, v] of encryptionContextConditionKeys(parts.extra.encryptionContext)) keys.set(k, v);
  if (parts.extra.requestAlias !== undefined) keys.set('kms:RequestAlias', parts.extra.requestAlias);
  for (const [k, v] of Object.entries(parts.extra.conditions ?? {})) keys.set(k, v);
  return { ...base, conditionKeys: keys };
}
