/** ARN formats for keys and aliases (AWS KMS API reference, "Identifier formats"). */

export interface Scope {
  partition: string;
  accountId: string;
  region: string;
}

export function keyArn(s: Scope, keyId: string): string {
  return `arn:${s.partition}:kms:${s.region}:${s.accountId}:key/${keyId}`;
}

export function aliasArn(s: Scope, aliasName: string): string {
  return `arn:${s.partition}:kms:${s.region}:${s.accountId}:${aliasName}`;
}

export type ParsedKmsArn =
  | { kind: 'key'; partition: string; region: string; accountId: string; keyId: string }
  | { kind: 'alias'; partition: string; region: string; accountId: string; aliasName: string };

/** Parses `arn:<partition>:kms:<region>:<account>:key/<id>` or `…:alias/<name>`; undefined if malformed. */
export function parseKmsArn(arn: string): ParsedKmsArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'kms') return undefined;
  const [, partition, , region, accountId] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!partition || !region || !/^\d{12}$/.test(accountId)) return undefined;
  if (resource.startsWith('key/') && resource.length > 4) {
    return { kind: 'key', partition, region, accountId, keyId: resource.slice(4) };
  }
  if (resource.startsWith('alias/') && resource.length > 6) {
    return { kind: 'alias', partition, region, accountId, aliasName: resource };
  }
  return undefined;
}

export function rootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}
