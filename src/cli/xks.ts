/**
 * `strongroom xks …`: external keys of the XKS proxy API and the KMS console's config file.
 *
 *   xks key create --tenant T [--id ID] [--usage U,U…] [--disabled] [--description D] [--rules FILE]
 *   xks key list [--tenant T]
 *   xks key disable|enable|rotate --tenant T ID
 *   xks key restrict-usage --tenant T --usage U,U… ID      (--usage '' leaves none)
 *   xks key set-rules --tenant T (--rules FILE | --clear) ID
 *   xks config-download --tenant T [--access-key-id ID]    JSON for the AWS KMS console
 *   xks credential new                                     a fresh SigV4 credential pair
 *
 * Output is JSON, one object per line; errors go to stderr with exit status 1 (2 for usage).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Config } from '../config/types.js';
import { XksConfigError, loadXksFile, type XksFileConfig } from '../config/xks.js';
import type { Logger } from '../log/logger.js';
import { openBackends } from '../service.js';
import { systemClock } from '../lib/time.js';
import { zero } from '../lib/bytes.js';
import type { XksKeyRecord } from '../kms/xks/model.js';
import { consoleConfigFile, newXksCredential } from '../kms/xks/credentials.js';
import {
  XksKeyAdminError,
  checkRules,
  checkUsages,
  createXksKey,
  listXksKeys,
  rotateXksKey,
  updateXksKey,
  type XksAdminDeps,
} from '../kms/xks/keys.js';

export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

const USAGE = `usage: strongroom xks <command>
  key create --tenant T [--id ID] [--usage ENCRYPT,DECRYPT,…] [--disabled] [--description D] [--rules FILE]
  key list [--tenant T]
  key disable|enable|rotate --tenant T ID
  key restrict-usage --tenant T --usage U,U,… ID
  key set-rules --tenant T (--rules FILE | --clear) ID
  config-download --tenant T [--access-key-id ID]
  credential new`;

function keyJson(k: XksKeyRecord): string {
  return JSON.stringify({
    Tenant: k.tenant,
    ExternalKeyId: k.externalKeyId,
    KeyStatus: k.status,
    KeyUsage: k.usages,
    MaterialVersion: k.currentVersion,
    Description: k.description,
    Rules: k.rules?.rules.map((r) => r.sid) ?? [],
    CreationDate: new Date(k.createdAt).toISOString(),
  });
}

function readRules(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new XksKeyAdminError(`cannot read rules from ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function xksFile(config: Config): XksFileConfig {
  if (!config.xks) throw new XksKeyAdminError('STRONGROOM_XKS_CONFIG is not set: there is no XKS config file to read');
  return loadXksFile(config.xks.configPath);
}

function configDownload(config: Config, tenant: string, accessKeyId: string | undefined, io: CliIo): number {
  const file = xksFile(config);
  try {
    const t = file.tenants.find((x) => x.name === tenant);
    if (!t) throw new XksKeyAdminError(`tenant ${tenant} is not in ${config.xks!.configPath}`);
    // The newest pair (listed last) unless one is named: during rotation that is the new one.
    const c = accessKeyId ? t.credentials.find((x) => x.accessKeyId === accessKeyId) : t.credentials[t.credentials.length - 1];
    if (!c) throw new XksKeyAdminError(`tenant ${tenant} has no credential ${accessKeyId}`);
    io.out.write(`${consoleConfigFile(t.uriPathPrefix, { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey.toString('utf8') })}\n`);
    return 0;
  } finally {
    for (const t of file.tenants) for (const c of t.credentials) zero(c.secretAccessKey);
  }
}

async function keyCommand(config: Config, log: Logger, args: string[], v: Record<string, string | boolean | undefined>, io: CliIo): Promise<number> {
  const [action, id] = args;
  const tenant = v.tenant as string | undefined;
  const needsId = action !== 'create' && action !== 'list';
  if (!action || (needsId && (!id || !tenant)) || (action === 'create' && !tenant)) {
    io.err.write(`${USAGE}\n`);
    return 2;
  }
  if (tenant && config.xks) {
    const known = xksFile(config).tenants.map((t) => t.name);
    if (!known.includes(tenant)) io.err.write(`strongroom: warning: tenant ${tenant} is not in ${config.xks.configPath} (yet)\n`);
  }
  const backends = await openBackends(config, log);
  const deps: XksAdminDeps = { store: backends.store, hsm: backends.hsm, now: () => systemClock.now() };
  try {
    switch (action) {
      case 'create': {
        const key = await createXksKey(deps, {
          tenant: tenant!,
          ...(id ?? v.id ? { externalKeyId: (id ?? v.id) as string } : {}),
          ...(v.usage !== undefined ? { usages: String(v.usage).split(',').filter(Boolean) } : {}),
          ...(v.disabled ? { status: 'DISABLED' as const } : {}),
          ...(v.description !== undefined ? { description: String(v.description) } : {}),
          ...(v.rules !== undefined ? { rules: readRules(String(v.rules)) } : {}),
        });
        io.out.write(`${keyJson(key)}\n`);
        return 0;
      }
      case 'list': {
        let after: string | undefined;
        do {
          const page = await listXksKeys(backends.store, tenant, { limit: 500, after });
          for (const k of page.items) io.out.write(`${keyJson(k)}\n`);
          after = page.next;
        } while (after !== undefined);
        return 0;
      }
      case 'disable':
      case 'enable':
        io.out.write(`${keyJson(await updateXksKey(deps, tenant!, id!, { status: action === 'disable' ? 'DISABLED' : 'ENABLED' }))}\n`);
        return 0;
      case 'restrict-usage':
        if (v.usage === undefined) throw new XksKeyAdminError('restrict-usage needs --usage (a comma-separated list, possibly empty)');
        io.out.write(`${keyJson(await updateXksKey(deps, tenant!, id!, { usages: checkUsages(String(v.usage).split(',').filter(Boolean)) }))}\n`);
        return 0;
      case 'set-rules': {
        if ((v.rules === undefined) === !v.clear) throw new XksKeyAdminError('set-rules needs exactly one of --rules FILE and --clear');
        const rules = v.clear ? null : checkRules(readRules(String(v.rules)));
        io.out.write(`${keyJson(await updateXksKey(deps, tenant!, id!, { rules }))}\n`);
        return 0;
      }
      case 'rotate':
        io.out.write(`${keyJson(await rotateXksKey(deps, tenant!, id!))}\n`);
        return 0;
      default:
        io.err.write(`strongroom: unknown xks key action '${action}'\n${USAGE}\n`);
        return 2;
    }
  } finally {
    await backends.close();
  }
}

export async function xksCommand(config: Config, log: Logger, argv: string[], io: CliIo = { out: process.stdout, err: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        id: { type: 'string' },
        usage: { type: 'string' },
        disabled: { type: 'boolean' },
        description: { type: 'string' },
        rules: { type: 'string' },
        clear: { type: 'boolean' },
        'access-key-id': { type: 'string' },
      },
    });
  } catch (e) {
    io.err.write(`strongroom: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [group, ...rest] = positionals;
  try {
    switch (group) {
      case 'key':
        return await keyCommand(config, log, rest, values, io);
      case 'config-download':
        if (!values.tenant) break;
        return configDownload(config, values.tenant, values['access-key-id'], io);
      case 'credential':
        if (rest[0] !== 'new') break;
        io.out.write(`${JSON.stringify(newXksCredential())}\n`);
        return 0;
      default:
        break;
    }
  } catch (e) {
    if (e instanceof XksKeyAdminError || e instanceof XksConfigError) {
      io.err.write(`strongroom: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  io.err.write(`${USAGE}\n`);
  return 2;
}
