/**
 * Seed sections for keys and aliases. A seeded key is named by a `ref` (unique per account and
 * region) recorded in the store's meta table, so a re-run finds the key it created instead of
 * making another; description, policy and the listed tags are brought in line if they changed.
 * Everything goes through the KMS operations themselves, acting as the account root, so the
 * same validation applies as to API callers (the lockout check is bypassed: an administrator
 * may seed a policy that does not name the root).
 */
import type { KeyRecord, Tag } from '../../kms/model/key.js';
import { createKey } from '../../kms/ops/create-key.js';
import { createAlias } from '../../kms/ops/create-alias.js';
import { updateAlias } from '../../kms/ops/update-alias.js';
import { putKeyPolicy } from '../../kms/ops/put-key-policy.js';
import { tagResource } from '../../kms/ops/tag-resource.js';
import { updateKeyDescription } from '../../kms/ops/update-key-description.js';
import { scheduleKeyDeletion } from '../../kms/ops/schedule-key-deletion.js';
import { KmsError } from '../../kms/errors.js';
import { UUID_RE } from '../../lib/ids.js';
import { accountOf, fail, list, obj, only, optString, policyText, regionOf, reqString, type Obj, type SeedContext, type SeedSection } from './types.js';

const REF_RE = /^[\w.:/-]{1,128}$/;

function tagsOf(o: Obj, p: string): Tag[] | undefined {
  if (o.tags === undefined || o.tags === null) return undefined;
  return Object.entries(obj(o.tags, `${p}.tags`)).map(([TagKey, v]) => {
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`${p}.tags.${TagKey}`, 'must be a string');
    return { TagKey, TagValue: String(v) };
  });
}

/** Runs a KMS operation, reporting its error (e.g. MalformedPolicyDocumentException) with the seed path. */
async function op<T>(p: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof KmsError) fail(p, `${e.name}: ${e.message}`);
    throw e;
  }
}

async function converge(ctx: SeedContext, key: KeyRecord, o: Obj, p: string, region: string): Promise<boolean> {
  const root = ctx.asRoot(key.accountId, region);
  let changed = false;
  const description = optString(o, 'description', p);
  if (description !== undefined && description !== key.description) {
    await op(p, () => updateKeyDescription(root, { KeyId: key.keyId, Description: description }));
    changed = true;
  }
  const policy = policyText(o, 'policy', p);
  if (policy !== undefined && policy !== key.policy) {
    await op(p, () => putKeyPolicy(root, { KeyId: key.keyId, Policy: policy, BypassPolicyLockoutSafetyCheck: true }));
    changed = true;
  }
  const tags = tagsOf(o, p);
  if (tags && tags.length > 0) {
    const current = new Map((await ctx.store.tags.list(key.keyId, { limit: 50 })).items.map((t) => [t.TagKey, t.TagValue]));
    const missing = tags.filter((t) => current.get(t.TagKey) !== t.TagValue);
    if (missing.length > 0) {
      await op(p, () => tagResource(root, { KeyId: key.keyId, Tags: missing }));
      changed = true;
    }
  }
  return changed;
}

export const keysSection: SeedSection = {
  name: 'keys',
  async apply(ctx, value, path) {
    for (const [i, entry] of list(value, path).entries()) {
      const p = `${path}[${i}]`;
      const o = obj(entry, p);
      only(o, ['ref', 'account', 'region', 'description', 'policy', 'tags'], p);
      const account = accountOf(ctx, o, p);
      const region = regionOf(ctx, o, p);
      const ref = reqString(o, 'ref', p);
      if (!REF_RE.test(ref)) fail(`${p}.ref`, 'must be 1-128 characters of letters, digits and _.:/-');
      const marker = `seed/key/${account}/${region}/${ref}`;
      let keyId = await ctx.store.meta.get(marker);
      if (keyId === undefined) {
        const root = ctx.asRoot(account, region);
        const description = optString(o, 'description', p);
        const policy = policyText(o, 'policy', p);
        const tags = tagsOf(o, p);
        const created = await op(p, () =>
          createKey(root, {
            ...(description !== undefined ? { Description: description } : {}),
            ...(policy !== undefined ? { Policy: policy, BypassPolicyLockoutSafetyCheck: true } : {}),
            ...(tags ? { Tags: tags } : {}),
          }),
        );
        const mine = created.KeyMetadata!.KeyId!;
        keyId = await ctx.store.meta.setIfAbsent(marker, mine);
        if (keyId !== mine) {
          // Another seed run recorded its key for this ref first: ours is surplus.
          await scheduleKeyDeletion(root, { KeyId: mine, PendingWindowInDays: 7 });
        } else {
          ctx.report.created.push(`key ${ref} (${created.KeyMetadata!.Arn})`);
        }
      } else {
        const key = await ctx.store.keys.get(keyId);
        if (!key) fail(p, `key ${ref} was created as ${keyId}, which no longer exists`);
        if (await converge(ctx, key, o, p, region)) ctx.report.updated.push(`key ${ref} (${key.arn})`);
        else ctx.report.unchanged++;
      }
      ctx.keyRefs.set(`${account}/${region}/${ref}`, keyId);
    }
  },
};

export const aliasesSection: SeedSection = {
  name: 'aliases',
  async apply(ctx, value, path) {
    for (const [i, entry] of list(value, path).entries()) {
      const p = `${path}[${i}]`;
      const o = obj(entry, p);
      only(o, ['name', 'key', 'account', 'region'], p);
      const account = accountOf(ctx, o, p);
      const region = regionOf(ctx, o, p);
      const name = reqString(o, 'name', p);
      const target = reqString(o, 'key', p);
      const keyId =
        ctx.keyRefs.get(`${account}/${region}/${target}`) ??
        (await ctx.store.meta.get(`seed/key/${account}/${region}/${target}`)) ??
        (UUID_RE.test(target) ? target : fail(`${p}.key`, `'${target}' is neither a key ref of this seed nor a key id`));
      const root = ctx.asRoot(account, region);
      const existing = await ctx.store.aliases.get(account, region, name);
      if (!existing) {
        await op(p, () => createAlias(root, { AliasName: name, TargetKeyId: keyId }));
        ctx.report.created.push(`alias ${name} → ${keyId}`);
      } else if (existing.targetKeyId !== keyId) {
        await op(p, () => updateAlias(root, { AliasName: name, TargetKeyId: keyId }));
        ctx.report.updated.push(`alias ${name} → ${keyId}`);
      } else {
        ctx.report.unchanged++;
      }
    }
  },
};
