/** What every XKS operation receives: its dependencies, the tenant and the request's metadata. */
import type { Hsm } from '../ports/hsm.js';
import type { Store } from '../ports/store.js';
import type { Clock } from '../../lib/time.js';
import type { XksHealthMonitor } from './health.js';

export interface XksSettings {
  /** xksProxyFleetSize reported by GetHealthStatus: how many proxy nodes serve this endpoint. */
  fleetSize: number;
}

export interface XksDeps {
  store: Store;
  hsm: Hsm;
  clock: Clock;
  health: XksHealthMonitor;
  settings: XksSettings;
}

/**
 * requestMetadata as KMS sends it (XKS proxy API spec v1.0.3, Appendix B). Which fields are
 * required depends on the operation; the rest are optional and unknown ones are ignored.
 */
export interface RequestMetadata {
  awsPrincipalArn?: string;
  awsSourceVpc?: string;
  awsSourceVpce?: string;
  kmsKeyArn?: string;
  kmsOperation: string;
  /** Opaque: never validated (spec), only logged and audited. */
  kmsRequestId: string;
  kmsViaService?: string;
}

export interface XksContext {
  deps: XksDeps;
  /** The tenant (configured URI path prefix) the request arrived under. */
  tenant: string;
  metadata: RequestMetadata;
}
