/**
 * `strongroom account create ID` and `strongroom account list`. An account is its id and its root
 * principal (which holds every permission of the account, as in IAM); users, roles and keys are
 * created inside one with `--account ID`.
 */
import type { CommandContext } from './io.js';
import { json } from './io.js';
import { AdminError, checkAccountId } from '../../kms/identity/iam-admin.js';
import { ensureAccountRoot } from '../../kms/identity/access-keys.js';

export async function accountCommand(c: CommandContext, action: string | undefined, id: string | undefined): Promise<number> {
  const { store } = c.backends;
  switch (action) {
    case 'create': {
      const accountId = id ?? c.accountId;
      checkAccountId(accountId);
      if (await store.identities.getAccount(accountId)) throw new AdminError(`account ${accountId} already exists`);
      const root = await ensureAccountRoot(store, c.config.partition, accountId, c.now());
      c.io.out(json({ AccountId: accountId, RootArn: root.arn, CreateDate: new Date(root.createdAt).toISOString() }));
      return 0;
    }
    case 'list': {
      for (const a of await store.identities.listAccounts()) c.io.out(json({ AccountId: a.accountId, CreateDate: new Date(a.createdAt).toISOString() }));
      return 0;
    }
    default:
      throw new AdminError('account needs one of create, list');
  }
}
