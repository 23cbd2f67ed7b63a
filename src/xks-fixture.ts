/**
 * A ready XKS proxy for tests and the benchmark: writes an XKS config file with one tenant and a
 * fresh credential pair, creates an external key, and starts the XKS listener (plain HTTP on
 * 127.0.0.1 unless TLS material is given) over the backends the caller opened (`openBackends`,
 * or a test HSM and store).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { Hsm } from './kms/ports/hsm.js';
import type { Store } from './kms/ports/store.js';
import { createXksKey } from './kms/xks/keys.js';
import { newXksCredential, type XksCredential } from './kms/xks/credentials.js';
import type { Logger } from './log/logger.js';
import { createLogger } from './log/logger.js';
import type { Clock } from './lib/time.js';
import { systemClock } from './lib/time.js';
import { startXks, type RunningXks, type StartXksOptions } from './service-xks.js';

export interface XksFixtureOptions {
  backends: { store: Store; hsm: Hsm };
  /** Directory for the config file (must exist). */
  dir: string;
  tenant?: string;
  uriPathPrefix?: string;
  externalKeyId?: string;
  quota?: { requestsPerSecond: number; burst: number };
  https?: { certPath: string; keyPath: string };
  watch?: boolean;
  log?: Logger;
  clock?: Clock;
  onRequest?: StartXksOptions['onRequest'];
}

export interface XksFixture {
  /** The listener URL without the path: HTTPS when TLS material was given, else HTTP. */
  url: string;
  /** URI path prefix + /kms/xks/v1. */
  basePath: string;
  tenant: string;
  uriPathPrefix: string;
  credential: XksCredential;
  externalKeyId: string;
  configPath: string;
  running: RunningXks;
  /** Rewrites the XKS config file with these credentials (one or two pairs) and the same tenant. */
  writeCredentials(credentials: XksCredential[]): void;
  close(): Promise<void>;
}

export async function startXksFixture(opts: XksFixtureOptions): Promise<XksFixture> {
  const tenant = opts.tenant ?? 'bench';
  const uriPathPrefix = opts.uriPathPrefix ?? '/xks/bench';
  const credential = newXksCredential();
  const configPath = join(opts.dir, 'xks.yaml');
  const write = (credentials: XksCredential[]) =>
    writeFileSync(
      configPath,
      toYaml({ tenants: [{ name: tenant, uriPathPrefix, credentials, ...(opts.quota ? { quota: opts.quota } : {}) }] }),
      { mode: 0o600 },
    );
  write([credential]);
  const key = await createXksKey(
    { store: opts.backends.store, hsm: opts.backends.hsm, now: () => (opts.clock ?? systemClock).now() },
    { tenant, externalKeyId: opts.externalKeyId ?? 'bench-key' },
  );
  const running = await startXks(
    {
      configPath,
      watch: opts.watch ?? false,
      ...(opts.https ? { https: { host: '127.0.0.1', port: 0, ...opts.https } } : { http: { host: '127.0.0.1', port: 0 } }),
    },
    opts.backends,
    opts.log ?? createLogger('silent'),
    { clock: opts.clock, onRequest: opts.onRequest },
  );
  return {
    url: (running.httpsUrl ?? running.httpUrl)!,
    basePath: `${uriPathPrefix}/kms/xks/v1`,
    tenant,
    uriPathPrefix,
    credential,
    externalKeyId: key.externalKeyId,
    configPath,
    running,
    writeCredentials: write,
    close: () => running.close(),
  };
}
