/** What every operation receives: its dependencies (ports) and who is calling. */
import type { Hsm } from './ports/hsm.js';
import type { Store } from './ports/store.js';
import type { Clock } from '../lib/time.js';
import type { PolicyCache } from './authz/policy-cache.js';
import type { LifecycleEvent } from './scheduler/types.js';

export interface KmsSettings {
  partition: string;
  /** Customer managed keys per account and region (AWS default quota 100,000). */
  maxKeysPerAccountRegion: number;
}

export interface KmsDeps {
  store: Store;
  hsm: Hsm;
  clock: Clock;
  settings: KmsSettings;
  /** Parsed key and identity policies by text (authz/policy-cache.ts); without it every request parses. */
  policyCache?: PolicyCache;
  /** KMS-initiated events (RotateKey, DeleteKey, DeleteExpiredKeyMaterial) for the audit trail (scheduler/types.ts). */
  onLifecycleEvent?: (event: LifecycleEvent) => Promise<void>;
}

export interface Caller {
  accountId: string;
  /** The identity ARN policies match (account root, IAM user, assumed role). */
  principalArn: string;
  principalType: 'root' | 'user' | 'role' | 'assumed-role';
  accessKeyId: string;
  /** Region from the SigV4 credential scope: the region of every ARN the call touches. */
  region: string;
  sourceIp?: string;
}

export interface OpContext {
  deps: KmsDeps;
  caller: Caller;
  requestId: string;
  /** ARNs of the keys the request touched (resolveKey, keyForBlob add them): the audit record's resources. */
  resources?: Set<string>;
}

export const DEFAULT_SETTINGS: KmsSettings = { partition: 'aws', maxKeysPerAccountRegion: 100_000 };
