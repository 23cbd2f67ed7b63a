/** `strongroom access-key …`: manage access keys of account root principals. */
import type { Config } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { openBackends } from '../service.js';
import { createAccessKey, ensureAccountRoot, newAccessKeyId, newSecretAccessKey } from '../kms/identity/access-keys.js';
import { systemClock } from '../lib/time.js';

export async function accessKeyCommand(config: Config, log: Logger, args: string[], account: string | undefined): Promise<number> {
  const [action, id] = args;
  const accountId = account ?? config.bootstrap?.accountId ?? config.defaultAccountId;
  if (!/^\d{12}$/.test(accountId)) {
    process.stderr.write(`strongroom: --account must be a 12-digit account id\n`);
    return 2;
  }
  const backends = await openBackends(config, log);
  const { store, hsm } = backends;
  try {
    switch (action) {
      case 'create': {
        const root = await ensureAccountRoot(store, config.partition, accountId, systemClock.now());
        const key = { accessKeyId: newAccessKeyId(), secretAccessKey: newSecretAccessKey() };
        await createAccessKey(store, hsm, root, key, systemClock.now());
        process.stdout.write(`${JSON.stringify({ AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, AccountId: accountId, Principal: root.arn })}\n`);
        return 0;
      }
      case 'list': {
        const keys = await store.identities.listAccessKeys(account);
        for (const k of keys) {
          process.stdout.write(`${JSON.stringify({ AccessKeyId: k.accessKeyId, AccountId: k.accountId, Principal: k.principalArn, Status: k.status, CreateDate: new Date(k.createdAt).toISOString() })}\n`);
        }
        return 0;
      }
      case 'disable':
      case 'enable':
      case 'delete': {
        if (!id) {
          process.stderr.write(`strongroom: access-key ${action} needs an access key id\n`);
          return 2;
        }
        const ok = action === 'delete' ? await store.identities.deleteAccessKey(id) : await store.identities.setAccessKeyStatus(id, action === 'disable' ? 'Inactive' : 'Active');
        if (!ok) {
          process.stderr.write(`strongroom: access key ${id} does not exist\n`);
          return 1;
        }
        return 0;
      }
      default:
        process.stderr.write(`strongroom: access-key needs one of create, list, disable, enable, delete\n`);
        return 2;
    }
  } finally {
    await backends.close();
  }
}
