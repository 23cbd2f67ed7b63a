/**
 * Seed sections for identities: defaults, accounts, principals (users and roles), policies
 * (identity policies), accessKeys (given, or generated and shown once). Each is idempotent:
 * what exists and matches is left alone and counted as unchanged.
 */
import type { PrincipalRecord } from '../../kms/model/identity.js';
import { ensureAccountRoot } from '../../kms/identity/access-keys.js';
import { accessKeyAad } from '../../kms/identity/credentials.js';
import { AdminError, ensureNamedPrincipal, getNamedPrincipal, issueAccessKey, putIdentityPolicy } from '../../kms/identity/iam-admin.js';
import { rootArn } from '../../kms/model/arn.js';
import { constantTimeEqual, zero } from '../../lib/bytes.js';
import { accountOf, fail, list, obj, only, optString, policyText, reqString, type Obj, type SeedContext, type SeedSection } from './types.js';

export const defaultsSection: SeedSection = {
  name: 'defaults',
  async apply(ctx, value, path) {
    const o = obj(value, path);
    only(o, ['account', 'region'], path);
    ctx.defaults.account = accountOf(ctx, o, path);
    const region = optString(o, 'region', path);
    if (region !== undefined) ctx.defaults.region = region;
  },
};

export const accountsSection: SeedSection = {
  name: 'accounts',
  async apply(ctx, value, path) {
    for (const [i, entry] of list(value, path).entries()) {
      const p = `${path}[${i}]`;
      const o: Obj = typeof entry === 'object' && entry !== null ? obj(entry, p) : { account: entry };
      if ('id' in o) o.account = o.id;
      const accountId = accountOf(ctx, o, p);
      const existed = (await ctx.store.identities.getAccount(accountId)) !== undefined;
      await ensureAccountRoot(ctx.store, ctx.partition, accountId, ctx.now());
      if (existed) ctx.report.unchanged++;
      else ctx.report.created.push(`account ${accountId}`);
    }
  },
};

/** `{user: NAME}`, `{role: NAME}` or `{root: true}`, with an optional `account`. */
async function principalOf(ctx: SeedContext, o: Obj, p: string): Promise<PrincipalRecord> {
  const accountId = accountOf(ctx, o, p);
  const kinds = ['user', 'role', 'root'].filter((k) => o[k] !== undefined);
  if (kinds.length !== 1) fail(p, 'name exactly one of user, role or root');
  try {
    if (o.root !== undefined) return await ensureAccountRoot(ctx.store, ctx.partition, accountId, ctx.now());
    const type = o.user !== undefined ? 'user' : 'role';
    return await getNamedPrincipal(ctx.store, ctx.partition, accountId, type, reqString(o, type, p));
  } catch (e) {
    if (e instanceof AdminError) fail(p, `${e.message} (declare it under principals)`);
    throw e;
  }
}

export const principalsSection: SeedSection = {
  name: 'principals',
  async apply(ctx, value, path) {
    for (const [i, entry] of list(value, path).entries()) {
      const p = `${path}[${i}]`;
      const o = obj(entry, p);
      only(o, ['user', 'role', 'account'], p);
      if ((o.user === undefined) === (o.role === undefined)) fail(p, 'name exactly one of user or role');
      const type = o.user !== undefined ? 'user' : 'role';
      try {
        const { principal, created } = await ensureNamedPrincipal(ctx.store, ctx.partition, accountOf(ctx, o, p), type, reqString(o, type, p), ctx.now());
        if (created) ctx.report.created.push(`${type} ${principal.arn}`);
        else ctx.report.unchanged++;
      } catch (e) {
        if (e instanceof AdminError) fail(p, e.message);
        throw e;
      }
    }
  },
};

export const policiesSection: SeedSection = {
  name: 'policies',
  async apply(ctx, value, path) {
    for (const [i, entry] of list(value, path).entries()) {
      const p = `${path}[${i}]`;
      const o = obj(entry, p);
      if (o.root !== undefined) fail(p, 'an account root takes no identity policies');
      only(o, ['user', 'role', 'account', 'name', 'document'], p);
      const principal = await principalOf(ctx, o, p);
      const name = reqString(o, 'name', p);
      const document = policyText(o, 'document', p) ?? fail(`${p}.document`, 'is required');
      try {
        const outcome = await putIdentityPolicy(ctx.store, ctx.partition, principal, name, document, ctx.now());
        if (outcome === 'unchanged') ctx.report.unchanged++;
        else ctx.report[outcome].push(`policy ${name} of ${principal.arn}`);
      } catch (e) {
        if (e instanceof AdminError) fail(p, e.message);
        throw e;
      }
    }
  },
};

/** Whether the stored secret of an existing key is the one the seed gives. */
async function sameSecret(ctx: SeedContext, accessKeyId: string, sealed: Buffer, secret: string): Promise<boolean> {
  const stored = await ctx.hsm.openServiceSecret(sealed, accessKeyAad(accessKeyId));
  const given = Buffer.from(secret, 'utf8');
  try {
    return stored.length === given.length && constantTimeEqual(stored, given);
  } finally {
    zero(stored);
    zero(given);
  }
}

export const accessKeysSection: SeedSection = {
  name: 'accessKeys',
  async apply(ctx, value, path) {
    for (const [i, entry] of list(value, path).entries()) {
      const p = `${path}[${i}]`;
      const o = obj(entry, p);
      only(o, ['user', 'role', 'root', 'account', 'accessKeyId', 'secretAccessKey', 'generate', 'label'], p);
      const principal = await principalOf(ctx, o, p);
      if (o.generate === true) {
        if (o.accessKeyId !== undefined || o.secretAccessKey !== undefined) fail(p, 'generate: true takes no accessKeyId/secretAccessKey');
        // One generated key per principal and label, ever: the marker makes re-runs no-ops.
        const marker = `seed/generated-access-key/${principal.arn}/${optString(o, 'label', p) ?? 'default'}`;
        if ((await ctx.store.meta.get(marker)) !== undefined) {
          ctx.report.unchanged++;
          continue;
        }
        const key = await issueAccessKey(ctx.store, ctx.hsm, principal, ctx.now());
        await ctx.store.meta.setIfAbsent(marker, key.accessKeyId);
        ctx.report.created.push(`access key ${key.accessKeyId} of ${principal.arn}`);
        ctx.report.generated.push({ principal: principal.arn, ...key });
        continue;
      }
      const accessKeyId = reqString(o, 'accessKeyId', p);
      const secretAccessKey = reqString(o, 'secretAccessKey', p);
      if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId)) fail(`${p}.accessKeyId`, 'must be 16-128 upper-case letters or digits');
      if (secretAccessKey.length < 16) fail(`${p}.secretAccessKey`, 'must be at least 16 characters');
      const existing = await ctx.store.identities.getAccessKey(accessKeyId);
      if (existing) {
        if (existing.principalArn !== principal.arn) fail(p, `access key ${accessKeyId} belongs to ${existing.principalArn}`);
        if (!(await sameSecret(ctx, accessKeyId, existing.secretSealed, secretAccessKey))) {
          fail(p, `access key ${accessKeyId} exists with a different secret (rotate it with access-key rotate, or delete it first)`);
        }
        ctx.report.unchanged++;
        continue;
      }
      await issueAccessKey(ctx.store, ctx.hsm, principal, ctx.now(), { accessKeyId, secretAccessKey });
      ctx.report.created.push(`access key ${accessKeyId} of ${principal.arn === rootArn(ctx.partition, principal.accountId) ? `account ${principal.accountId} (root)` : principal.arn}`);
    }
  },
};
