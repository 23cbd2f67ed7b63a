import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultNodeId } from './audit.js';
import { ConfigError, loadConfig } from './load.js';

type Env = Record<string, string | undefined>;

/** The error loadConfig throws for `env`; fails the test if it does not throw. */
function failureOf(env: Env): Error {
  try {
    loadConfig(env);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

const SOFTHSM = '/usr/lib/softhsm/libsofthsm2.so';
const BOOTSTRAP = {
  STRONGROOM_BOOTSTRAP_ACCOUNT_ID: '444455556666',
  STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE01',
  STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY: 'a-secret-of-at-least-16-chars',
};
const TOGETHER =
  'STRONGROOM_BOOTSTRAP_ACCOUNT_ID, STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID and STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY must be set together';

describe('loadConfig defaults', () => {
  it('with an empty environment: loopback:8080, ./data with SQLite and a managed SoftHSM token, wrapped keys', () => {
    const dataDir = resolve('./data');
    const softDir = join(dataDir, 'softhsm');
    expect(loadConfig({})).toStrictEqual({
      host: '127.0.0.1',
      port: 8080,
      dataDir,
      databaseUrl: undefined,
      sqlitePath: join(dataDir, 'strongroom.db'),
      partition: 'aws',
      allowedRegions: [],
      maxBodyBytes: 1_048_576,
      logLevel: 'info',
      hsm: {
        modulePath: SOFTHSM,
        tokenLabel: 'strongroom',
        pin: undefined,
        pinFile: join(softDir, 'user.pin'),
        managedSoftHsm: { confPath: join(softDir, 'softhsm2.conf'), tokenDir: join(softDir, 'tokens') },
        keyStorage: 'wrapped',
        sessionPoolSize: 8,
        sessionWaitMs: 5000,
        handleCacheSize: 10_000,
        softwareOaep: true,
      },
      bootstrap: undefined,
      defaultAccountId: '111122223333',
      sweepIntervalMs: 60_000,
      audit: {
        nodeId: defaultNodeId(),
        digestIntervalMs: 60_000,
        writeTimeoutMs: 2_000,
        ecMode: 'clear',
        retentionDays: 0,
        maxBatch: 512,
        maxPending: 10_000,
      },
      xks: undefined,
    });
  });

  it('treats empty strings as unset', () => {
    const empty = loadConfig({
      STRONGROOM_HOST: '',
      STRONGROOM_PORT: '',
      STRONGROOM_DATA_DIR: '',
      STRONGROOM_KEY_STORAGE: '',
      STRONGROOM_DATABASE_URL: '',
      STRONGROOM_HSM_MODULE: '',
      STRONGROOM_HSM_PIN: '',
      STRONGROOM_HSM_SESSIONS: '',
      STRONGROOM_HSM_HANDLE_CACHE: '',
      STRONGROOM_BOOTSTRAP_ACCOUNT_ID: '',
      STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID: '',
      STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY: '',
    });
    expect(empty).toStrictEqual(loadConfig({}));
  });

  it('puts the database and the managed token under STRONGROOM_DATA_DIR, resolved to an absolute path', () => {
    const c = loadConfig({ STRONGROOM_DATA_DIR: 'var/sr' });
    const dir = join(process.cwd(), 'var', 'sr');
    expect(c.dataDir).toBe(dir);
    expect(c.sqlitePath).toBe(join(dir, 'strongroom.db'));
    expect(c.hsm.pinFile).toBe(join(dir, 'softhsm', 'user.pin'));
    expect(c.hsm.managedSoftHsm).toStrictEqual({ confPath: join(dir, 'softhsm', 'softhsm2.conf'), tokenDir: join(dir, 'softhsm', 'tokens') });
    expect(loadConfig({ STRONGROOM_DATA_DIR: '/srv/strongroom' }).sqlitePath).toBe('/srv/strongroom/strongroom.db');
  });
});

describe('loadConfig reads each variable', () => {
  it('listener, storage, limits and intervals', () => {
    const c = loadConfig({
      STRONGROOM_HOST: '0.0.0.0',
      STRONGROOM_PORT: '9443',
      STRONGROOM_KEY_STORAGE: 'token',
      STRONGROOM_PARTITION: 'aws-cn',
      STRONGROOM_MAX_BODY_BYTES: '2048',
      STRONGROOM_LOG_LEVEL: 'debug',
      STRONGROOM_HSM_SESSIONS: '2',
      STRONGROOM_HSM_SESSION_WAIT_MS: '250',
      STRONGROOM_HSM_HANDLE_CACHE: '5',
      STRONGROOM_SWEEP_INTERVAL_MS: '1000',
      STRONGROOM_DEFAULT_ACCOUNT_ID: '999988887777',
    });
    expect([c.host, c.port, c.partition, c.maxBodyBytes, c.logLevel, c.sweepIntervalMs, c.defaultAccountId]).toStrictEqual([
      '0.0.0.0',
      9443,
      'aws-cn',
      2048,
      'debug',
      1000,
      '999988887777',
    ]);
    expect([c.hsm.keyStorage, c.hsm.sessionPoolSize, c.hsm.sessionWaitMs, c.hsm.handleCacheSize]).toStrictEqual(['token', 2, 250, 5]);
  });

  it('accepts postgres:// and postgresql:// database URLs as given', () => {
    expect(loadConfig({ STRONGROOM_DATABASE_URL: 'postgres://sr:pw@db:5432/strongroom' }).databaseUrl).toBe('postgres://sr:pw@db:5432/strongroom');
    expect(loadConfig({ STRONGROOM_DATABASE_URL: 'postgresql://db/strongroom' }).databaseUrl).toBe('postgresql://db/strongroom');
  });

  it('splits STRONGROOM_ALLOWED_REGIONS on commas, trimming and dropping empty entries', () => {
    expect(loadConfig({ STRONGROOM_ALLOWED_REGIONS: ' us-east-1, eu-central-1,,us-gov-west-1 ' }).allowedRegions).toStrictEqual([
      'us-east-1',
      'eu-central-1',
      'us-gov-west-1',
    ]);
  });

  it('accepts the ends of each integer range', () => {
    const low = loadConfig({
      STRONGROOM_PORT: '0',
      STRONGROOM_MAX_BODY_BYTES: '1024',
      STRONGROOM_HSM_SESSIONS: '1',
      STRONGROOM_HSM_SESSION_WAIT_MS: '1',
      STRONGROOM_HSM_HANDLE_CACHE: '1',
      STRONGROOM_SWEEP_INTERVAL_MS: '100',
    });
    expect([low.port, low.maxBodyBytes, low.hsm.sessionPoolSize, low.hsm.sessionWaitMs, low.hsm.handleCacheSize, low.sweepIntervalMs]).toStrictEqual([
      0, 1024, 1, 1, 1, 100,
    ]);
    const high = loadConfig({
      STRONGROOM_PORT: '65535',
      STRONGROOM_MAX_BODY_BYTES: String(64 * 1_048_576),
      STRONGROOM_HSM_SESSIONS: '1024',
      STRONGROOM_HSM_SESSION_WAIT_MS: '600000',
      STRONGROOM_HSM_HANDLE_CACHE: '10000000',
      STRONGROOM_SWEEP_INTERVAL_MS: '86400000',
    });
    expect([high.port, high.maxBodyBytes, high.hsm.sessionPoolSize, high.hsm.sessionWaitMs, high.hsm.handleCacheSize, high.sweepIntervalMs]).toStrictEqual([
      65535,
      67_108_864,
      1024,
      600_000,
      10_000_000,
      86_400_000,
    ]);
  });
});

const INVALID: Array<[string, Env, string]> = [
  ['a negative port', { STRONGROOM_PORT: '-1' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got '-1'"],
  ['a port above 65535', { STRONGROOM_PORT: '65536' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got '65536'"],
  ['a fractional port', { STRONGROOM_PORT: '80.5' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got '80.5'"],
  ['a port that is not a number', { STRONGROOM_PORT: 'http' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got 'http'"],
  ['a hexadecimal port (Number() would read 80)', { STRONGROOM_PORT: '0x50' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got '0x50'"],
  ['a port in exponent notation', { STRONGROOM_PORT: '8e3' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got '8e3'"],
  ['a port with spaces', { STRONGROOM_PORT: ' 8080 ' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got ' 8080 '"],
  ['a signed port', { STRONGROOM_PORT: '+80' }, "STRONGROOM_PORT must be an integer from 0 to 65535, got '+80'"],
  ['an unknown log level', { STRONGROOM_LOG_LEVEL: 'verbose' }, "STRONGROOM_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got 'verbose'"],
  ['a partition that is not an ARN partition', { STRONGROOM_PARTITION: 'AWS:cn' }, "STRONGROOM_PARTITION must be an ARN partition such as aws or aws-cn, got 'AWS:cn'"],
  ['an unknown key storage', { STRONGROOM_KEY_STORAGE: 'hsm' }, "STRONGROOM_KEY_STORAGE must be 'wrapped' or 'token', got 'hsm'"],
  ['a key storage in the wrong case', { STRONGROOM_KEY_STORAGE: 'Token' }, "STRONGROOM_KEY_STORAGE must be 'wrapped' or 'token', got 'Token'"],
  [
    'a MySQL database URL',
    { STRONGROOM_DATABASE_URL: 'mysql://db/strongroom' },
    'STRONGROOM_DATABASE_URL must be a postgres:// URL (unset means SQLite in the data directory)',
  ],
  [
    'a postgres URL without the //',
    { STRONGROOM_DATABASE_URL: 'postgres:db/strongroom' },
    'STRONGROOM_DATABASE_URL must be a postgres:// URL (unset means SQLite in the data directory)',
  ],
  [
    'a SQLite path as database URL',
    { STRONGROOM_DATABASE_URL: '/var/lib/strongroom.db' },
    'STRONGROOM_DATABASE_URL must be a postgres:// URL (unset means SQLite in the data directory)',
  ],
  ['a handle cache of 0', { STRONGROOM_HSM_HANDLE_CACHE: '0' }, "STRONGROOM_HSM_HANDLE_CACHE must be an integer from 1 to 10000000, got '0'"],
  [
    'a handle cache above 10 million',
    { STRONGROOM_HSM_HANDLE_CACHE: '10000001' },
    "STRONGROOM_HSM_HANDLE_CACHE must be an integer from 1 to 10000000, got '10000001'",
  ],
  ['0 sessions', { STRONGROOM_HSM_SESSIONS: '0' }, "STRONGROOM_HSM_SESSIONS must be an integer from 1 to 1024, got '0'"],
  ['1025 sessions', { STRONGROOM_HSM_SESSIONS: '1025' }, "STRONGROOM_HSM_SESSIONS must be an integer from 1 to 1024, got '1025'"],
  ['a session wait of 0', { STRONGROOM_HSM_SESSION_WAIT_MS: '0' }, "STRONGROOM_HSM_SESSION_WAIT_MS must be an integer from 1 to 600000, got '0'"],
  [
    'a session wait over 10 minutes',
    { STRONGROOM_HSM_SESSION_WAIT_MS: '600001' },
    "STRONGROOM_HSM_SESSION_WAIT_MS must be an integer from 1 to 600000, got '600001'",
  ],
  ['a body limit under 1 KiB', { STRONGROOM_MAX_BODY_BYTES: '1023' }, "STRONGROOM_MAX_BODY_BYTES must be an integer from 1024 to 67108864, got '1023'"],
  [
    'a body limit over 64 MiB',
    { STRONGROOM_MAX_BODY_BYTES: '67108865' },
    "STRONGROOM_MAX_BODY_BYTES must be an integer from 1024 to 67108864, got '67108865'",
  ],
  ['a sweep interval under 100 ms', { STRONGROOM_SWEEP_INTERVAL_MS: '99' }, "STRONGROOM_SWEEP_INTERVAL_MS must be an integer from 100 to 86400000, got '99'"],
  ['a region in upper case', { STRONGROOM_ALLOWED_REGIONS: 'us-east-1,EU-WEST-1' }, "STRONGROOM_ALLOWED_REGIONS: 'EU-WEST-1' is not a region name"],
  ['a region without its number', { STRONGROOM_ALLOWED_REGIONS: 'us-east' }, "STRONGROOM_ALLOWED_REGIONS: 'us-east' is not a region name"],
  ['a default account id of 11 digits', { STRONGROOM_DEFAULT_ACCOUNT_ID: '11112222333' }, 'STRONGROOM_DEFAULT_ACCOUNT_ID must be 12 digits'],
  [
    'a bootstrap account id that is not 12 digits',
    { ...BOOTSTRAP, STRONGROOM_BOOTSTRAP_ACCOUNT_ID: '44445555666x' },
    'STRONGROOM_BOOTSTRAP_ACCOUNT_ID must be 12 digits',
  ],
  [
    'a bootstrap access key id in lower case',
    { ...BOOTSTRAP, STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID: 'akiaexampleexample01' },
    'STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID must be 16-128 upper-case letters or digits',
  ],
  [
    'a bootstrap access key id of 15 characters',
    { ...BOOTSTRAP, STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAM' },
    'STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID must be 16-128 upper-case letters or digits',
  ],
  [
    'a bootstrap secret of 15 characters',
    { ...BOOTSTRAP, STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY: 'fifteen-chars!!' },
    'STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY must be at least 16 characters',
  ],
];

describe('loadConfig refuses invalid values, naming the variable', () => {
  it.each(INVALID)('%s', (_what, env, message) => {
    const err = failureOf(env);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(message);
  });

  it('never puts a PIN given by environment into the message', () => {
    const pin = 'pin-7f3a9c21-never-shown';
    for (const [, env] of INVALID) {
      const err = failureOf({ ...env, STRONGROOM_HSM_PIN: pin, STRONGROOM_HSM_MODULE: '/opt/hsm/libpkcs11.so' });
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).not.toContain(pin);
      expect(String(err.stack)).not.toContain(pin);
    }
  });
});

describe('STRONGROOM_BOOTSTRAP_*', () => {
  it('all three give the bootstrap credentials', () => {
    expect(loadConfig(BOOTSTRAP).bootstrap).toStrictEqual({
      accountId: '444455556666',
      accessKeyId: 'AKIAEXAMPLEEXAMPLE01',
      secretAccessKey: 'a-secret-of-at-least-16-chars',
    });
  });

  const names = Object.keys(BOOTSTRAP) as Array<keyof typeof BOOTSTRAP>;
  const partial: Array<[string, Env]> = [
    ...names.map((n): [string, Env] => [`only ${n}`, { [n]: BOOTSTRAP[n] }]),
    ...names.map((n): [string, Env] => [`all but ${n}`, { ...BOOTSTRAP, [n]: undefined }]),
    ['two set and one empty', { ...BOOTSTRAP, STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY: '' }],
  ];
  it.each(partial)('must be set together: %s is refused', (_what, env) => {
    const err = failureOf(env);
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(TOGETHER);
    expect(err.message).not.toContain(BOOTSTRAP.STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY);
  });
});

describe('a real HSM (STRONGROOM_HSM_MODULE)', () => {
  it('uses the module, label and PIN given, and no managed SoftHSM token or PIN file', () => {
    const c = loadConfig({
      STRONGROOM_DATA_DIR: '/srv/strongroom',
      STRONGROOM_HSM_MODULE: '/opt/vendor/lib/libpkcs11.so',
      STRONGROOM_HSM_TOKEN_LABEL: 'prod-kms',
      STRONGROOM_HSM_PIN: '1234-5678',
    });
    expect(c.hsm).toStrictEqual({
      modulePath: '/opt/vendor/lib/libpkcs11.so',
      tokenLabel: 'prod-kms',
      pin: '1234-5678',
      pinFile: undefined,
      managedSoftHsm: undefined,
      keyStorage: 'wrapped',
      sessionPoolSize: 8,
      sessionWaitMs: 5000,
      handleCacheSize: 10_000,
      softwareOaep: true,
    });
  });

  it('takes the PIN file as given instead of a PIN', () => {
    const c = loadConfig({ STRONGROOM_HSM_MODULE: '/opt/vendor/lib/libpkcs11.so', STRONGROOM_HSM_PIN_FILE: '/run/secrets/hsm-pin' });
    expect([c.hsm.modulePath, c.hsm.tokenLabel, c.hsm.pin, c.hsm.pinFile, c.hsm.managedSoftHsm]).toStrictEqual([
      '/opt/vendor/lib/libpkcs11.so',
      'strongroom',
      undefined,
      '/run/secrets/hsm-pin',
      undefined,
    ]);
  });

  it('without a module, a PIN file or PIN still applies to the managed SoftHSM token', () => {
    const c = loadConfig({ STRONGROOM_DATA_DIR: '/srv/strongroom', STRONGROOM_HSM_PIN_FILE: '/run/secrets/hsm-pin', STRONGROOM_HSM_PIN: '0000' });
    expect([c.hsm.modulePath, c.hsm.pin, c.hsm.pinFile]).toStrictEqual([SOFTHSM, '0000', '/run/secrets/hsm-pin']);
    expect(c.hsm.managedSoftHsm).toStrictEqual({ confPath: '/srv/strongroom/softhsm/softhsm2.conf', tokenDir: '/srv/strongroom/softhsm/tokens' });
  });
});
