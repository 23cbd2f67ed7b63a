/**
 * The tenants the XKS routes serve: one per configured URI path prefix, each with its own
 * credentials (one or two pairs: rotation) and optional quota. `replace()` swaps the whole set at
 * once (a config reload), so a request sees either the old configuration or the new one; the
 * request quota of a tenant whose quota settings did not change carries over.
 */
import { performance } from 'node:perf_hooks';
import { staticSigningSecret, type SigningSecret } from '../../auth/index.js';
import type { XksFileConfig, XksTenantConfig } from '../../config/xks.js';
import { zero } from '../../lib/bytes.js';
import { TokenBucket } from './quota.js';

export interface XksTenant {
  name: string;
  prefix: string;
  credentials: ReadonlyMap<string, SigningSecret>;
  quota?: TokenBucket;
  quotaSpec?: string;
}

export interface XksTenantSet {
  fleetSize: number;
  byPrefix: ReadonlyMap<string, XksTenant>;
}

function build(config: XksFileConfig, previous: XksTenantSet | undefined, now: () => number): XksTenantSet {
  const byPrefix = new Map<string, XksTenant>();
  for (const t of config.tenants) byPrefix.set(t.uriPathPrefix, tenantOf(t, previous, now));
  return { fleetSize: config.fleetSize, byPrefix };
}

function tenantOf(t: XksTenantConfig, previous: XksTenantSet | undefined, now: () => number): XksTenant {
  const credentials = new Map<string, SigningSecret>();
  for (const c of t.credentials) {
    credentials.set(c.accessKeyId, staticSigningSecret(c.secretAccessKey)); // copies the secret
    zero(c.secretAccessKey);
  }
  const out: XksTenant = { name: t.name, prefix: t.uriPathPrefix, credentials };
  if (t.quota) {
    const spec = `${t.quota.requestsPerSecond}/${t.quota.burst}`;
    const old = [...(previous?.byPrefix.values() ?? [])].find((o) => o.name === t.name && o.quotaSpec === spec);
    out.quota = old?.quota ?? TokenBucket.perSecond(t.quota.requestsPerSecond, t.quota.burst, now);
    out.quotaSpec = spec;
  }
  return out;
}

export class XksTenants {
  private current: XksTenantSet;

  constructor(
    config: XksFileConfig,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.current = build(config, undefined, now);
  }

  get fleetSize(): number {
    return this.current.fleetSize;
  }

  byPrefix(prefix: string): XksTenant | undefined {
    return this.current.byPrefix.get(prefix);
  }

  /** Installs a new configuration (the secrets in `config` are zeroed once copied). */
  replace(config: XksFileConfig): void {
    this.current = build(config, this.current, this.now);
  }

  names(): string[] {
    return [...this.current.byPrefix.values()].map((t) => t.name);
  }
}
