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
import { PolicyCache } from './kms/authz/policy-cache.js';
import { deriveSigningKey } from './auth/index.js';
import { createRequestListener } from './api/app.js';
import { bootstrapIdentity, type BootstrapResult } from './bootstrap.js';
import type { SweepResult } from './kms/sweeper.js';
import { startScheduler } from './service-scheduler.js';
import type { Scheduler } from './kms/scheduler/scheduler.js';
import { startXks, type RunningXks } from './service-xks.js';
import { startAudit, type RunningAudit } from './service-audit.js';
import { xksEvent } from './audit/xks-event.js';

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
  /** Runs the scheduler once and reports its key deletions (it also runs every sweepIntervalMs). */
  sweepNow(): Promise<SweepResult>;
  /** Rotations, deletions, material expiry (kms/scheduler); runOnce() for a run now. */
  scheduler: Scheduler;
  /** The XKS proxy API listeners (STRONGROOM_XKS_CONFIG); reload() re-reads its config file. */
  xks?: RunningXks;
  /** The audit trail of this node (its log writes every request's record). */
  audit: RunningAudit;
  close(): Promise<void>;
}

export async function startService(config: Config, log: Logger, clock: Clock = systemClock): Promise<RunningService> {
  const backends = await openBackends(config, log);
  const { hsm, store } = backends;
  let closeAudit: () => Promise<void> = async () => {};
  try {
    const bootstrap = await bootstrapIdentity(config, store, hsm, clock.now());
    const deps: KmsDeps = { store, hsm, clock, settings: { partition: config.partition, maxKeysPerAccountRegion: 100_000 } };
    deps.policyCache = new PolicyCache();
    const credentials = createCredentialResolver(store, hsm, deriveSigningKey);
    const audit = await startAudit(config, backends, log, clock, credentials);
    closeAudit = () => audit.close();
    const listener = createRequestListener({
      audit: audit.auditor,
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
    const xks = config.xks ? await startXks(config.xks, backends, log, { clock, onRequest: (r) => audit.log.append(xksEvent(r)) }).catch((e: unknown) => { server.close(); throw e; }) : undefined;
    const { scheduler, sweepNow } = startScheduler(deps, config.sweepIntervalMs, log, audit);
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    return {
      server,
      url,
      deps,
      bootstrap,
      sweepNow,
      scheduler,
      xks,
      audit,
      async close() {
        await scheduler.stop();
        await xks?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // After the listener: the last records, then the shutdown digest, before the store closes.
        await audit.close();
        await backends.close();
      },
    };
  } catch (e) {
    await closeAudit().catch(() => {});
    await backends.close();
    throw e;
  }
}
