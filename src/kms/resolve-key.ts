/**
 * KeyId resolution as AWS does it (reference §5.6): key id, key ARN, alias name, alias ARN.
 * A bare key id or alias name always means the caller's account; cross-account use needs an ARN.
 * Keys live in one region: an ARN for another region is not found.
 */
import type { OpContext } from './context.js';
import type { KeyRecord } from './model/key.js';
import { aliasArn, keyArn, parseKmsArn } from './model/arn.js';
import { InvalidArnException, NotFoundException } from './errors.js';
import { UUID_RE } from '../lib/ids.js';

export interface ResolvedKey {
  key: KeyRecord;
  /** The alias name used in the request, if any (kms:RequestAlias). */
  requestAlias?: string;
}

export type KeyIdForm = 'key-or-alias' | 'key-only';

export async function resolveKey(ctx: OpContext, keyIdParam: string, form: KeyIdForm): Promise<ResolvedKey> {
  const { caller, deps } = ctx;
  const scope = { partition: deps.settings.partition, accountId: caller.accountId, region: caller.region };

  if (keyIdParam.startsWith('arn:')) {
    const arn = parseKmsArn(keyIdParam);
    if (!arn || arn.partition !== deps.settings.partition) throw new InvalidArnException(`Invalid arn ${keyIdParam}`);
    if (arn.region !== caller.region) throw new NotFoundException(`Invalid arn ${arn.region}`);
    if (arn.kind === 'alias') {
      if (form === 'key-only') throw new NotFoundException(`Invalid keyId '${keyIdParam}'`);
      return viaAlias(ctx, arn.accountId, arn.aliasName, keyIdParam);
    }
    return { key: await byId(ctx, arn.keyId, { ...scope, accountId: arn.accountId }) };
  }
  if (keyIdParam.startsWith('alias/')) {
    if (form === 'key-only') throw new NotFoundException(`Invalid keyId '${keyIdParam}'`);
    return viaAlias(ctx, caller.accountId, keyIdParam, aliasArn(scope, keyIdParam));
  }
  return { key: await byId(ctx, keyIdParam, scope) };
}

async function byId(ctx: OpContext, keyId: string, scope: { partition: string; accountId: string; region: string }): Promise<KeyRecord> {
  if (!UUID_RE.test(keyId)) throw new NotFoundException(`Invalid keyId '${keyId}'`);
  const key = await ctx.deps.store.keys.get(keyId);
  if (!key || key.accountId !== scope.accountId || key.region !== scope.region) {
    throw new NotFoundException(`Key '${keyArn(scope, keyId)}' does not exist`);
  }
  ctx.resources?.add(key.arn);
  return key;
}

async function viaAlias(ctx: OpContext, accountId: string, aliasName: string, shownAs: string): Promise<ResolvedKey> {
  const { caller, deps } = ctx;
  const alias = await deps.store.aliases.get(accountId, caller.region, aliasName);
  const fullArn = shownAs.startsWith('arn:') ? shownAs : aliasArn({ partition: deps.settings.partition, accountId, region: caller.region }, aliasName);
  if (!alias) throw new NotFoundException(`Alias ${fullArn} is not found.`);
  const key = await deps.store.keys.get(alias.targetKeyId);
  if (!key) throw new NotFoundException(`Alias ${fullArn} is not found.`);
  ctx.resources?.add(key.arn);
  return { key, requestAlias: aliasName };
}
