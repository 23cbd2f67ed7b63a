/** `strongroom user|role create|list|delete NAME [--account ID]`. */
import type { CommandContext } from './io.js';
import { json } from './io.js';
import { AdminError, ensureNamedPrincipal, getNamedPrincipal, type NamedPrincipalType } from '../../kms/identity/iam-admin.js';

export async function principalCommand(c: CommandContext, type: NamedPrincipalType, action: string | undefined, name: string | undefined): Promise<number> {
  const { store } = c.backends;
  const partition = c.config.partition;
  const label = type === 'user' ? 'UserName' : 'RoleName';
  switch (action) {
    case 'create': {
      if (!name) throw new AdminError(`${type} create needs a name`);
      const { principal, created } = await ensureNamedPrincipal(store, partition, c.accountId, type, name, c.now());
      if (!created) throw new AdminError(`${type} ${name} already exists in account ${c.accountId}`);
      c.io.out(json({ [label]: name, Arn: principal.arn, AccountId: c.accountId, CreateDate: new Date(principal.createdAt).toISOString() }));
      return 0;
    }
    case 'list': {
      for (const p of await store.identities.listPrincipals(c.accountId)) {
        if (p.type === type) c.io.out(json({ [label]: p.name, Arn: p.arn, AccountId: p.accountId, CreateDate: new Date(p.createdAt).toISOString() }));
      }
      return 0;
    }
    case 'delete': {
      if (!name) throw new AdminError(`${type} delete needs a name`);
      const principal = await getNamedPrincipal(store, partition, c.accountId, type, name);
      // Its access keys, identity policies and (for a role) sessions go with it.
      if (!(await store.iam.deletePrincipal(principal.arn))) throw new AdminError(`${type} ${name} does not exist in account ${c.accountId}`);
      return 0;
    }
    default:
      throw new AdminError(`${type} needs one of create, list, delete`);
  }
}
