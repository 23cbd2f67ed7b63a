/**
 * CloudTrail `userIdentity` for Strongroom principals (CloudTrail User Guide, "userIdentity
 * element"). AWS principal ids (AIDA…, AROA…) are unique ids IAM assigns; Strongroom has none, so
 * a stable stand-in is derived from the principal ARN: same prefix, 17 base32 characters of its
 * SHA-256, so a principal keeps one id and two principals never share one in practice.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import type { UserIdentity } from './event.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function pseudoId(prefix: string, arn: string): string {
  const h = sha256(Buffer.from(arn, 'utf8'));
  let out = prefix;
  for (let i = 0; out.length < prefix.length + 17; i += 1) out += BASE32[h[i]! & 31];
  return out;
}

export interface AuthenticatedPrincipal {
  accountId: string;
  principalArn: string;
  principalType: 'root' | 'user' | 'role' | 'assumed-role';
  accessKeyId: string;
}

export function userIdentityOf(p: AuthenticatedPrincipal): UserIdentity {
  const base = { arn: p.principalArn, accountId: p.accountId, accessKeyId: p.accessKeyId };
  switch (p.principalType) {
    case 'root':
      return { type: 'Root', principalId: p.accountId, ...base };
    case 'user':
      return { type: 'IAMUser', principalId: pseudoId('AIDA', p.principalArn), ...base, userName: p.principalArn.slice(p.principalArn.lastIndexOf('/') + 1) };
    default: {
      // arn:aws:sts::<acct>:assumed-role/<role>/<session>: principalId is "<role id>:<session>".
      const parts = p.principalArn.split('/');
      const session = parts.length >= 3 ? parts[parts.length - 1]! : '';
      const role = parts.length >= 2 ? parts[1]! : p.principalArn;
      return { type: 'AssumedRole', principalId: `${pseudoId('AROA', role)}${session ? `:${session}` : ''}`, ...base };
    }
  }
}

/** A request refused before authentication: only what it claimed (the access key id in its Credential scope). */
export function unauthenticatedIdentity(claimedAccessKeyId: string | undefined): UserIdentity {
  return claimedAccessKeyId === undefined ? { type: 'Unknown' } : { type: 'Unknown', accessKeyId: claimedAccessKeyId };
}

/** The service itself (deletion at the end of the waiting period, rotation, …). */
export function serviceIdentity(accountId: string | undefined): UserIdentity {
  return accountId === undefined ? { invokedBy: 'AWS Internal' } : { accountId, invokedBy: 'AWS Internal' };
}
