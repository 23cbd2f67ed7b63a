/**
 * `strongroom access-key create|list (--user NAME | --role NAME)` and `access-key rotate ID`; the root
 * principal's keys and list/disable/enable/delete stay in ../access-key.ts. The new secret is
 * printed once and never stored in the clear.
 */
import type { CommandContext, IdentityOptions } from './io.js';
import { json } from './io.js';
import { AdminError, issueAccessKey, rotateAccessKey } from '../../kms/identity/iam-admin.js';
import { targetPrincipal } from './policies.js';

export async function identityAccessKeyCommand(c: CommandContext, action: string | undefined, id: string | undefined, o: IdentityOptions): Promise<number> {
  const { store, hsm } = c.backends;
  if (action === 'create') {
    const principal = await targetPrincipal(c, o);
    const key = await issueAccessKey(store, hsm, principal, c.now());
    c.io.out(json({ AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, AccountId: principal.accountId, Principal: principal.arn }));
    return 0;
  }
  if (action === 'list') {
    const principal = await targetPrincipal(c, o);
    for (const k of await store.identities.listAccessKeys(principal.accountId)) {
      if (k.principalArn !== principal.arn) continue;
      c.io.out(json({ AccessKeyId: k.accessKeyId, AccountId: k.accountId, Principal: k.principalArn, Status: k.status, CreateDate: new Date(k.createdAt).toISOString() }));
    }
    return 0;
  }
  if (action === 'rotate') {
    if (!id) throw new AdminError('access-key rotate needs the access key id to replace');
    const { key, principal } = await rotateAccessKey(store, hsm, id, c.now());
    c.io.out(json({ AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, AccountId: principal.accountId, Principal: principal.arn, Replaced: id, ReplacedStatus: 'Inactive' }));
    return 0;
  }
  throw new AdminError('access-key with --user/--role supports create and list; rotation is access-key rotate ID');
}
