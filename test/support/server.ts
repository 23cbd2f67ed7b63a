/**
 * Starts the real service (SoftHSM token, SQLite file or PostgreSQL, HTTP listener on 127.0.0.1)
 * in a fresh temp data directory, and builds real @aws-sdk/client-kms clients for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log/logger.js';
import { startService, type RunningService } from '../../src/service.js';
import type { Config } from '../../src/config/types.js';
import type { Clock } from '../../src/lib/time.js';

export const TEST_ACCOUNT = '111122223333';
export const TEST_ACCESS_KEY_ID = 'AKIASTRONGROOMTEST01';
export const TEST_SECRET = 'strongroom-test-secret-access-key-0001';

export interface TestServer {
  svc: RunningService;
  config: Config;
  url: string;
  kms(opts?: { region?: string; accessKeyId?: string; secretAccessKey?: string }): KMSClient;
  close(): Promise<void>;
}

export interface TestServerOptions {
  keyStorage?: 'wrapped' | 'token';
  databaseUrl?: string;
  env?: Record<string, string>;
  clock?: Clock;
  /** Capture the service log (default: silent). */
  log?: { level: string; destination: NodeJS.WritableStream };
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'strongroom-test-'));
  const config = loadConfig({
    STRONGROOM_DATA_DIR: dataDir,
    STRONGROOM_PORT: '0',
    STRONGROOM_KEY_STORAGE: opts.keyStorage ?? 'wrapped',
    STRONGROOM_DATABASE_URL: opts.databaseUrl,
    STRONGROOM_BOOTSTRAP_ACCOUNT_ID: TEST_ACCOUNT,
    STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
    STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY: TEST_SECRET,
    ...opts.env,
  });
  const logger = opts.log ? createLogger(opts.log.level, opts.log.destination) : createLogger('silent');
  const svc = await startService(config, logger, opts.clock);
  return {
    svc,
    config,
    url: svc.url,
    kms: (o = {}) =>
      new KMSClient({
        region: o.region ?? 'us-east-1',
        endpoint: svc.url,
        maxAttempts: 1,
        credentials: { accessKeyId: o.accessKeyId ?? TEST_ACCESS_KEY_ID, secretAccessKey: o.secretAccessKey ?? TEST_SECRET },
      }),
    async close() {
      await svc.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
