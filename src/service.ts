/**
 * Composition: config → HSM, store, credentials → KMS deps → HTTP server. The only place (with
 * main.ts and the CLI) that knows every concrete implementation.
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/types.js';
import type { Hsm } from './kms/ports/hsm.js';
import type { Store } from './kms/ports/store.js';
import type { KmsDeps } from './kms/context.js';
import type { Logger } from './log/logger.js';
import type { Clock } from './lib/time.js';
import { systemClock } from './lib/time.js';
import { createHsm, ensureManagedToken } from './hsm/index.js';
import { openStore } from './store/index.js';
import { createCredentialResolver } from './kms/identity/credentials.js';
import { deriveSigningKey } from './auth/index.js';
import { createRequestListener } from './api/app.js';
import { bootstrapIdentity, type BootstrapResult } from './bootstrap.js';
import { sweepExpiredKeys, type SweepResult } from './kms/sweeper.js';

export interface Backends {
  hsm: Hsm;
  store: Store;
  close(): Promise<void>;
}

/** Opens the token and the database (initialising both on first use). */
export async function openBackends(config: Config, log: Logger): Promise<Backends> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (config.hsm.managedSoftHsm) await ensureManagedToken(config.hsm);
  const hsm = await createHsm(config.hsm, log);
  let store: Store;
  try {
    store = await openStore(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { sqlitePath: config.sqlitePath });
  } catch (e) {
    await hsm.close();
    throw e;
  }
  return {
    hsm,
    store,
    async close() {
      await store.close();
      await hsm.close();
    },
  };
}

export interface RunningService {
  server: Server;
  url: string;
  deps: KmsDeps;
  bootstrap: BootstrapResult;
  /** Runs the deletion sweeper once (it also runs every sweepIntervalMs). */
  sweepNow(): Promise<SweepResult>;
  close(): Promise<void>;
}

export async function startService(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningService> {
  const backends = await openBackends(config, log);
  const { hsm, store } = backends;
  try {
    const bootstrap = await bootstrapIdentity(config, store, hsm, clock.now());
    const deps: KmsDeps = { store, hsm, clock, settings: { partition: config.partition, maxKeysPerAccountRegion: 100_000 } };
    const credentials = createCredentialResolver(store, hsm, deriveSigningKey);
    const listener = createRequestListener({
      kms: deps,
      credentials,
      log,
      maxBodyBytes: config.maxBodyBytes,
      allowedRegions: config.allowedRegions,
      authClock: systemClock,
    });
    const server = createServer({ keepAliveTimeout: 65_000 }, listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const sweepNow = async (): Promise<SweepResult> => {
      const r = await sweepExpiredKeys(deps);
      if (r.deleted.length > 0) log.info({ deleted: r.deleted }, 'deleted keys whose deletion window ended');
      for (const f of r.failed) log.error({ keyId: f.keyId, reason: f.error }, 'key deletion failed; will retry');
      return r;
    };
    const sweeper = setInterval(() => void sweepNow().catch((e: unknown) => log.error({ err: e }, 'deletion sweep failed')), config.sweepIntervalMs);
    sweeper.unref();
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    return {
      server,
      url,
      deps,
      bootstrap,
      sweepNow,
      async close() {
        clearInterval(sweeper);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await backends.close();
      },
    };
  } catch (e) {
    await backends.close();
    throw e;
  }
}
