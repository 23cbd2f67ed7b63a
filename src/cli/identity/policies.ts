/**
 * `strongroom policy attach|detach|list|get (--user NAME | --role NAME) [--name POLICY] [--file F]`:
 * inline identity policies of users and roles. `attach` replaces a policy of the same name.
 */
import { readFileSync } from 'node:fs';
import type { CommandContext, IdentityOptions } from './io.js';
import { json } from './io.js';
import { AdminError, getNamedPrincipal, putIdentityPolicy } from '../../kms/identity/iam-admin.js';
import type { PrincipalRecord } from '../../kms/model/identity.js';

export async function targetPrincipal(c: CommandContext, o: IdentityOptions): Promise<PrincipalRecord> {
  if ((o.user === undefined) === (o.role === undefined)) throw new AdminError('give exactly one of --user NAME or --role NAME');
  return o.user !== undefined
    ? getNamedPrincipal(c.backends.store, c.config.partition, c.accountId, 'user', o.user)
    : getNamedPrincipal(c.backends.store, c.config.partition, c.accountId, 'role', o.role!);
}

function policyName(o: IdentityOptions, action: string): string {
  if (!o.name) throw new AdminError(`policy ${action} needs --name POLICY`);
  return o.name;
}

export async function policyCommand(c: CommandContext, action: string | undefined, o: IdentityOptions): Promise<number> {
  const { store } = c.backends;
  const principal = await targetPrincipal(c, o);
  switch (action) {
    case 'attach': {
      const name = policyName(o, 'attach');
      if (!o.file) throw new AdminError('policy attach needs --file FILE (the policy document, JSON)');
      const document = readFileSync(o.file, 'utf8');
      const outcome = await putIdentityPolicy(store, c.config.partition, principal, name, document, c.now());
      c.io.out(json({ PolicyName: name, Principal: principal.arn, Result: outcome }));
      return 0;
    }
    case 'detach': {
      const name = policyName(o, 'detach');
      if (!(await store.iam.deleteIdentityPolicy(principal.arn, name))) throw new AdminError(`${principal.arn} has no policy ${name}`);
      return 0;
    }
    case 'list': {
      for (const p of await store.iam.listIdentityPolicies(principal.arn)) {
        c.io.out(json({ PolicyName: p.policyName, Principal: p.principalArn, UpdateDate: new Date(p.updatedAt).toISOString() }));
      }
      return 0;
    }
    case 'get': {
      const name = policyName(o, 'get');
      const p = await store.iam.getIdentityPolicy(principal.arn, name);
      if (!p) throw new AdminError(`${principal.arn} has no policy ${name}`);
      c.io.out(p.document);
      return 0;
    }
    default:
      throw new AdminError('policy needs one of attach, detach, list, get');
  }
}
