/**
 * GetHealthStatus (XKS proxy API spec v1.0.3): a deep check on the dedicated health key (never a
 * customer key), exempt from secondary authorization. One Strongroom node talks to one token, so
 * ekmFleetDetails has one entry; the fleet size is configured (how many nodes serve the endpoint).
 *
 * When the token fails the check the call fails too (the spec asks for 200 only when an encrypt
 * issued right after would succeed): DependencyTimeoutException when no HSM session became free
 * in time, InternalException otherwise. A passing check slower than 250 ms reports DEGRADED:
 * KMS gives each call 250 ms.
 */
import type { XksContext } from '../context.js';
import { DependencyTimeoutException, InternalException } from '../errors.js';

export const XKS_PROXY_VENDOR = 'Strongroom';
export const XKS_PROXY_MODEL = 'Strongroom XKS proxy 0.1.0';
const SLOW_MS = 250;

export interface HealthStatusOutput {
  xksProxyFleetSize: number;
  xksProxyVendor: string;
  xksProxyModel: string;
  ekmVendor: string;
  ekmFleetDetails: Array<{ id: string; model: string; healthStatus: 'ACTIVE' | 'DEGRADED' | 'UNAVAILABLE' }>;
}

export async function getHealthStatus(ctx: XksContext): Promise<HealthStatusOutput> {
  const h = await ctx.deps.health.current();
  if (!h.ok) {
    if (h.busy) throw new DependencyTimeoutException('The HSM did not answer the health check in time.');
    throw new InternalException(`The HSM failed the health check: ${h.detail ?? 'unknown error'}`);
  }
  return {
    xksProxyFleetSize: ctx.deps.settings.fleetSize,
    xksProxyVendor: XKS_PROXY_VENDOR,
    xksProxyModel: XKS_PROXY_MODEL,
    ekmVendor: h.manufacturer || 'unknown',
    ekmFleetDetails: [
      {
        id: h.serialNumber || h.tokenLabel,
        model: [h.model || 'PKCS#11 token', h.versions].filter(Boolean).join(' '),
        healthStatus: h.elapsedMs > SLOW_MS ? 'DEGRADED' : 'ACTIVE',
      },
    ],
  };
}
