/** `strongroom init`: create the token, the database and the first access key, then exit. */
import type { Config } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { openBackends } from '../service.js';
import { bootstrapIdentity } from '../bootstrap.js';
import { systemClock } from '../lib/time.js';

export async function initCommand(config: Config, log: Logger): Promise<number> {
  const backends = await openBackends(config, log);
  try {
    const result = await bootstrapIdentity(config, backends.store, backends.hsm, systemClock.now());
    const lines = [`Strongroom data directory ${config.dataDir} is ready (store: ${backends.store.kind}, key storage: ${backends.hsm.mode}).`];
    if (result.created) {
      lines.push(
        `Created access key ${result.created.accessKeyId} for account ${result.accountId}.`,
        `  aws_secret_access_key = ${result.created.secretAccessKey}`,
        `Saved to ${result.created.credentialsFile} (profile "strongroom").`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await backends.close();
  }
}
