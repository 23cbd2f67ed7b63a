/**
 * Alias rules beyond the model's pattern (AWS KMS API Reference: CreateAlias; reference §4.1):
 * the `alias/` prefix, the reserved `alias/aws/` prefix, 50 aliases per key, and the wire entry.
 */
import type { OpContext } from './context.js';
import type { AliasRecord } from './model/key.js';
import { aliasArn } from './model/arn.js';
import { InvalidAliasNameException, ValidationException } from './errors.js';
import { toEpochSeconds } from '../lib/time.js';

export const MAX_ALIASES_PER_KEY = 50;

export function checkAliasName(name: string): void {
  if (!name.startsWith('alias/')) {
    throw new ValidationException(
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (name.length === 'alias/'.length) throw new InvalidAliasNameException('Alias name must have at least one character after "alias/".');
  if (name.startsWith('alias/aws/')) {
    throw new InvalidAliasNameException('Alias names beginning with "alias/aws/" are reserved for AWS managed keys.');
  }
}

export function aliasArnOf(ctx: OpContext, aliasName: string): string {
  return aliasArn({ partition: ctx.deps.settings.partition, accountId: ctx.caller.accountId, region: ctx.caller.region }, aliasName);
}

export interface AliasListEntryWire {
  AliasName: string;
  AliasArn: string;
  TargetKeyId: string;
  CreationDate: number;
  LastUpdatedDate: number;
}

export function aliasEntry(ctx: OpContext, a: AliasRecord): AliasListEntryWire {
  return {
    AliasName: a.aliasName,
    AliasArn: aliasArnOf(ctx, a.aliasName),
    TargetKeyId: a.targetKeyId,
    CreationDate: toEpochSeconds(a.creationDate),
    LastUpdatedDate: toEpochSeconds(a.lastUpdatedDate),
  };
}
