/**
 * Composition of the XKS proxy API: the XKS config file → tenants, the health monitor, the handler
 * and its listeners, and reloading (SIGHUP from `strongroom serve`, or a change to the config file
 * or a secret file it names, seen by fs.watch). A reload that fails validation keeps the running
 * configuration: a typo never locks AWS KMS out.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { XksListenerConfig } from './config/xks.js';
import { loadXksFile } from './config/xks.js';
import type { Hsm } from './kms/ports/hsm.js';
import type { Store } from './kms/ports/store.js';
import type { XksDeps } from './kms/xks/context.js';
import { XksHealthMonitor } from './kms/xks/health.js';
import type { Logger } from './log/logger.js';
import type { Clock } from './lib/time.js';
import { systemClock } from './lib/time.js';
import { createXksHandler, type XksRequestRecord } from './api/xks/handler.js';
import { listenXks, type XksListeners } from './api/xks/listener.js';
import { XksTenants } from './api/xks/tenants.js';

export interface RunningXks {
  /** `https://host:port` of the TLS listener, when configured. */
  httpsUrl?: string;
  /** `http://127.0.0.1:port` of the loopback listener, when configured. */
  httpUrl?: string;
  tenants: XksTenants;
  health: XksHealthMonitor;
  /** Re-reads the XKS config file (and the TLS certificate); false when it was invalid (kept the old one). */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

export interface StartXksOptions {
  clock?: Clock;
  /** The audit hook (see XksHandlerDeps.onRequest). */
  onRequest?: (record: XksRequestRecord) => void | Promise<void>;
}

const DEBOUNCE_MS = 100;

export async function startXks(config: XksListenerConfig, backends: { store: Store; hsm: Hsm }, log: Logger, opts: StartXksOptions = {}): Promise<RunningXks> {
  const clock = opts.clock ?? systemClock;
  let file = loadXksFile(config.configPath);
  const tenants = new XksTenants(file);
  const health = new XksHealthMonitor(() => backends.hsm.xks.health(), clock);
  const deps: XksDeps = {
    store: backends.store,
    hsm: backends.hsm,
    clock,
    health,
    settings: {
      get fleetSize() {
        return tenants.fleetSize;
      },
    },
  };
  const handler = createXksHandler({ xks: deps, tenants, log, authClock: systemClock, onRequest: opts.onRequest });
  const readTls = () => (config.https ? { cert: readFileSync(config.https.certPath), key: readFileSync(config.https.keyPath) } : undefined);
  const tls = readTls();
  const listeners: XksListeners = await listenXks(handler, async () => (await health.current()).ok, {
    https: config.https && tls ? { host: config.https.host, port: config.https.port, ...tls } : undefined,
    http: config.http,
  });

  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const arm = (files: string[]): void => {
    for (const w of watchers) w.close();
    watchers = [];
    if (!config.watch || closed) return;
    // Directories, not files: editors and secret managers replace files by renaming over them.
    const byDir = new Map<string, Set<string>>();
    for (const f of files) byDir.set(dirname(f), (byDir.get(dirname(f)) ?? new Set()).add(basename(f)));
    for (const [dir, names] of byDir) {
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => {
          if (name !== null && !names.has(name.toString())) return;
          clearTimeout(timer);
          timer = setTimeout(() => void reload(), DEBOUNCE_MS);
        });
        w.on('error', (e) => log.warn({ dir, err: e.message }, 'XKS config watch failed; SIGHUP still reloads'));
        watchers.push(w);
      } catch (e) {
        log.warn({ dir, err: e instanceof Error ? e.message : String(e) }, 'cannot watch the XKS config directory; SIGHUP still reloads');
      }
    }
  };

  async function reload(): Promise<boolean> {
    if (closed) return false;
    try {
      const next = loadXksFile(config.configPath);
      const nextTls = readTls();
      tenants.replace(next);
      if (nextTls) listeners.setCertificate(nextTls);
      const filesChanged = next.files.join('\n') !== file.files.join('\n');
      file = next;
      if (filesChanged) arm(file.files);
      log.info(
        { tenants: next.tenants.map((t) => ({ name: t.name, prefix: t.uriPathPrefix, accessKeyIds: t.credentials.map((c) => c.accessKeyId) })) },
        'XKS configuration reloaded',
      );
      return true;
    } catch (e) {
      log.error({ err: e instanceof Error ? e.message : String(e) }, 'XKS configuration reload failed; keeping the running configuration');
      return false;
    }
  }

  arm(file.files);
  log.info({ https: listeners.httpsUrl, http: listeners.httpUrl, tenants: tenants.names() }, 'XKS proxy listening');
  const running: RunningXks = {
    tenants,
    health,
    reload,
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const w of watchers) w.close();
      await listeners.close();
    },
  };
  if (listeners.httpsUrl) running.httpsUrl = listeners.httpsUrl;
  if (listeners.httpUrl) running.httpUrl = listeners.httpUrl;
  return running;
}
