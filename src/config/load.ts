/**
 * Reads configuration once, from the environment, at start. Nothing else in the code base reads
 * process.env (DESIGN.md conventions). Invalid values fail fast with a message naming the variable.
 */
import { resolve, join } from 'node:path';
import type { Config } from './types.js';
import { xksListenerFromEnv } from './xks.js';
import { auditFromEnv } from './audit.js';
import { intVar, type Env } from './int-var.js';

export class ConfigError extends Error {}

const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const PARTITION_RE = /^aws(?:-[a-z]+)*$/;
// pino's levels, and 'silent'.
const LOG_LEVELS: ReadonlySet<string> = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function int(env: Env, name: string, def: number, min: number, max: number): number {
  return intVar(env, name, def, min, max, (m) => new ConfigError(m));
}

function onOff(env: Env, name: string, def: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (raw === 'on' || raw === 'off') return raw === 'on';
  throw new ConfigError(`${name} must be 'on' or 'off', got '${raw}'`);
}

function bootstrap(env: Env): Config['bootstrap'] {
  const accountId = env.STRONGROOM_BOOTSTRAP_ACCOUNT_ID;
  const accessKeyId = env.STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID;
  const secretAccessKey = env.STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY;
  const given = [accountId, accessKeyId, secretAccessKey].filter((v) => v !== undefined && v !== '');
  if (given.length === 0) return undefined;
  if (given.length !== 3) {
    throw new ConfigError(
      'STRONGROOM_BOOTSTRAP_ACCOUNT_ID, STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID and STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY must be set together',
    );
  }
  if (!/^\d{12}$/.test(accountId!)) throw new ConfigError('STRONGROOM_BOOTSTRAP_ACCOUNT_ID must be 12 digits');
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId!)) {
    throw new ConfigError('STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID must be 16-128 upper-case letters or digits');
  }
  if (secretAccessKey!.length < 16) throw new ConfigError('STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY must be at least 16 characters');
  return { accountId: accountId!, accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! };
}

export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(env.STRONGROOM_DATA_DIR || './data');
  const keyStorage = env.STRONGROOM_KEY_STORAGE || 'wrapped';
  if (keyStorage !== 'wrapped' && keyStorage !== 'token') {
    throw new ConfigError(`STRONGROOM_KEY_STORAGE must be 'wrapped' or 'token', got '${keyStorage}'`);
  }
  const databaseUrl = env.STRONGROOM_DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('STRONGROOM_DATABASE_URL must be a postgres:// URL (unset means SQLite in the data directory)');
  }
  const allowedRegions = (env.STRONGROOM_ALLOWED_REGIONS ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of allowedRegions) {
    if (!REGION_RE.test(r)) throw new ConfigError(`STRONGROOM_ALLOWED_REGIONS: '${r}' is not a region name`);
  }
  // An external module (a real HSM) is configured explicitly; otherwise Strongroom manages a
  // private SoftHSM2 token under the data directory.
  const externalModule = env.STRONGROOM_HSM_MODULE || undefined;
  const softDir = join(dataDir, 'softhsm');
  const pinFile = env.STRONGROOM_HSM_PIN_FILE || (externalModule ? undefined : join(softDir, 'user.pin'));
  const defaultAccountId = env.STRONGROOM_DEFAULT_ACCOUNT_ID || '111122223333';
  if (!/^\d{12}$/.test(defaultAccountId)) throw new ConfigError('STRONGROOM_DEFAULT_ACCOUNT_ID must be 12 digits');
  const logLevel = env.STRONGROOM_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.has(logLevel)) throw new ConfigError(`STRONGROOM_LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}, got '${logLevel}'`);
  const partition = env.STRONGROOM_PARTITION || 'aws';
  // ARN partitions: aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, … (every ARN the service writes starts with it).
  if (!PARTITION_RE.test(partition)) throw new ConfigError(`STRONGROOM_PARTITION must be an ARN partition such as aws or aws-cn, got '${partition}'`);

  return {
    host: env.STRONGROOM_HOST || '127.0.0.1',
    port: int(env, 'STRONGROOM_PORT', 8080, 0, 65535),
    dataDir,
    databaseUrl,
    sqlitePath: join(dataDir, 'strongroom.db'),
    partition,
    allowedRegions,
    maxBodyBytes: int(env, 'STRONGROOM_MAX_BODY_BYTES', 1_048_576, 1024, 64 * 1_048_576),
    logLevel,
    hsm: {
      modulePath: externalModule ?? SOFTHSM_MODULE,
      tokenLabel: env.STRONGROOM_HSM_TOKEN_LABEL || 'strongroom',
      pin: env.STRONGROOM_HSM_PIN || undefined,
      pinFile,
      managedSoftHsm: externalModule ? undefined : { confPath: join(softDir, 'softhsm2.conf'), tokenDir: join(softDir, 'tokens') },
      keyStorage,
      sessionPoolSize: int(env, 'STRONGROOM_HSM_SESSIONS', 8, 1, 1024),
      sessionWaitMs: int(env, 'STRONGROOM_HSM_SESSION_WAIT_MS', 5000, 1, 600_000),
      handleCacheSize: int(env, 'STRONGROOM_HSM_HANDLE_CACHE', 10_000, 1, 10_000_000),
      softwareOaep: onOff(env, 'STRONGROOM_HSM_SOFTWARE_OAEP', true),
    },
    bootstrap: bootstrap(env),
    defaultAccountId,
    sweepIntervalMs: int(env, 'STRONGROOM_SWEEP_INTERVAL_MS', 60_000, 100, 86_400_000),
    audit: auditFromEnv(env),
    xks: xksListenerFromEnv(env, env.STRONGROOM_HOST || '127.0.0.1'),
  };
}
