/**
 * The `strongroom` admin CLI. Commands:
 *   init                          initialise the data directory (token, database, first access key)
 *   serve                         run the service
 *   access-key create [--account ID]   create an access key for an account's root principal
 *   access-key list [--account ID]
 *   access-key disable|enable|delete ACCESS_KEY_ID
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import { serve } from './serve.js';
import { accessKeyCommand } from './access-key.js';
import { initCommand } from './init.js';
import { xksCommand } from './xks.js';
import { auditCommand } from './audit.js';
import { routeIdentityCommand } from './identity/router.js';

const USAGE = `usage: strongroom <command>
  init                                  initialise the data directory (token, database, first access key)
  serve                                 run the service (same as npm start)
  access-key create [--account ID]      create an access key for the account's root principal
  access-key list [--account ID]        list access keys (never their secrets)
  access-key disable|enable|delete ID   change or remove an access key
  init --seed FILE                      apply a seed file (YAML/JSON: accounts, principals, policies, access keys, keys, aliases)
  account create [ID] | account list    accounts (each with its root principal)
  user|role create|list|delete NAME     IAM-style users and roles of an account [--account ID]
  policy attach|detach|list|get --user NAME|--role NAME [--name P] [--file F]  identity policies
  access-key create --user NAME|--role NAME   an access key for a user or role
  access-key rotate ID                  a new key for the same principal; the old one becomes Inactive
  assume-role --role NAME --session NAME [--duration-seconds N]  temporary credentials (STS AssumeRole shape)
  xks key|config-download|credential …  external keys of the XKS proxy API (strongroom xks for details)
  audit verify [--file F] [--public-key F]  check the audit hash chains and signed digests (exit 1 on tampering)
  audit export --from ISO --to ISO [--out F]  audit records as JSON Lines (CloudTrail records + chain fields)
  audit public-key [--out F]            the audit digest signing key (PEM; DER with --out)
Configuration comes from STRONGROOM_* environment variables (see README).`;

async function main(argv: string[]): Promise<number> {
  // Dispatched before the shared option parser: the xks commands have options of their own.
  if (argv[0] === 'xks') return xksCommand(loadConfig(), createLogger('warn'), argv.slice(1));
  if (argv[0] === 'audit') return auditCommand(loadConfig(), createLogger('warn'), argv.slice(1));
  // account, user, role, policy, assume-role, access-key --user/--role/rotate, init --seed (identity/router.ts).
  const identity = await routeIdentityCommand(argv);
  if (identity !== undefined) return identity;
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { account: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  // One-shot admin commands log only warnings; their output is the answer on stdout.
  const log = createLogger(command === 'serve' ? config.logLevel : 'warn');
  switch (command) {
    case 'serve':
      await serve(config, log);
      return 0;
    case 'init':
      return initCommand(config, log);
    case 'access-key':
      return accessKeyCommand(config, log, rest, values.account);
    default:
      process.stderr.write(`strongroom: unknown command '${command}'\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`strongroom: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
