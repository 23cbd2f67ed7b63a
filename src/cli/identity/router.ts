/**
 * The identity commands of the `strongroom` CLI, dispatched before main.ts's shared option
 * parser (they take options of their own):
 *   account create [ID] | account list
 *   user create|list|delete NAME            role create|list|delete NAME
 *   policy attach|detach|list|get (--user NAME | --role NAME) [--name POLICY] [--file FILE]
 *   access-key create (--user NAME | --role NAME)      access-key rotate ACCESS_KEY_ID
 *   assume-role --role NAME --session NAME [--duration-seconds N]
 *   init --seed FILE
 * all with [--account ID]. Returns undefined for anything else (main.ts handles it).
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../log/logger.js';
import { openBackends } from '../../service.js';
import { systemClock } from '../../lib/time.js';
import { AdminError } from '../../kms/identity/iam-admin.js';
import { initCommand } from '../init.js';
import { applySeed, readSeedFile, SeedError } from '../seed/apply.js';
import { processIo, type CliIo, type CommandContext, type IdentityOptions } from './io.js';
import { principalCommand } from './principals.js';
import { accountCommand } from './accounts.js';
import { policyCommand } from './policies.js';
import { identityAccessKeyCommand } from './access-keys.js';
import { assumeRoleCommand } from './assume-role.js';
import { printSeedReport } from './seed-report.js';

const OPTIONS = {
  account: { type: 'string' },
  user: { type: 'string' },
  role: { type: 'string' },
  name: { type: 'string' },
  file: { type: 'string' },
  session: { type: 'string' },
  'duration-seconds': { type: 'string' },
  seed: { type: 'string' },
} as const;

function handles(argv: readonly string[]): boolean {
  const [command, action] = argv;
  if (command === 'account' || command === 'user' || command === 'role' || command === 'policy' || command === 'assume-role') return true;
  if (command === 'access-key') return action === 'rotate' || argv.some((a) => a === '--user' || a === '--role' || a.startsWith('--user=') || a.startsWith('--role='));
  if (command === 'init') return argv.some((a) => a === '--seed' || a.startsWith('--seed='));
  return false;
}

export async function routeIdentityCommand(argv: string[], io: CliIo = processIo, env: Record<string, string | undefined> = process.env): Promise<number | undefined> {
  if (!handles(argv)) return undefined;
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command, action, arg] = positionals;
  const config = loadConfig(env);
  const log = createLogger('warn');
  const accountId = values.account ?? config.bootstrap?.accountId ?? config.defaultAccountId;
  try {
    if (command === 'init') {
      const code = await initCommand(config, log);
      if (code !== 0) return code;
    }
    const backends = await openBackends(config, log);
    try {
      const c: CommandContext = { config, backends, accountId, io, now: () => systemClock.now() };
      const o: IdentityOptions = values;
      switch (command) {
        case 'account':
          return await accountCommand(c, action, arg);
        case 'user':
        case 'role':
          return await principalCommand(c, command, action, arg);
        case 'policy':
          return await policyCommand(c, action, o);
        case 'access-key':
          return await identityAccessKeyCommand(c, action, arg, o);
        case 'assume-role':
          return await assumeRoleCommand(c, o);
        default: {
          const report = await applySeed(
            { store: backends.store, hsm: backends.hsm, partition: config.partition, defaultAccountId: accountId },
            readSeedFile(values.seed!),
          );
          printSeedReport(io, values.seed!, report);
          return 0;
        }
      }
    } finally {
      await backends.close();
    }
  } catch (e) {
    if (e instanceof AdminError || e instanceof SeedError) {
      io.err(e.message);
      return 1;
    }
    throw e;
  }
}
