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

const USAGE = `usage: strongroom <command>
  init                                  initialise the data directory (token, database, first access key)
  serve                                 run the service (same as npm start)
  access-key create [--account ID]      create an access key for the account's root principal
  access-key list [--account ID]        list access keys (never their secrets)
  access-key disable|enable|delete ID   change or remove an access key
Configuration comes from STRONGROOM_* environment variables (see README).`;

async function main(argv: string[]): Promise<number> {
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
