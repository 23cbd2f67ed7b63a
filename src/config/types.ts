import type { KeyStorageMode } from '../kms/ports/hsm.js';
import type { XksListenerConfig } from './xks.js';
import type { AuditConfig } from './audit.js';

export interface HsmConfig {
  /** Path of the PKCS#11 module (.so). */
  modulePath: string;
  tokenLabel: string;
  /** User PIN from STRONGROOM_HSM_PIN; never logged. */
  pin?: string;
  /** File holding the user PIN (STRONGROOM_HSM_PIN_FILE, or the managed token's PIN file). */
  pinFile?: string;
  /**
   * Set when Strongroom runs its own SoftHSM2 token under the data directory (the default):
   * a private softhsm2.conf and token directory, never the system one.
   */
  managedSoftHsm?: { confPath: string; tokenDir: string };
  keyStorage: KeyStorageMode;
  /** Maximum sessions open at once (one per in-flight operation). */
  sessionPoolSize: number;
  /** How long an operation waits for a free session before HsmBusyError. */
  sessionWaitMs: number;
  /** Unwrapped session objects kept per process (wrapped mode). */
  handleCacheSize: number;
  /**
   * STRONGROOM_HSM_SOFTWARE_OAEP (on | off, default on): when the token lacks RSA-OAEP with
   * SHA-256, key import may decode it in process memory (hsm/import-unwrap.ts). Off refuses the
   * SHA-256 wrapping algorithms instead, for deployments that forbid material outside the token.
   */
  softwareOaep?: boolean;
}

export interface BootstrapCredentials {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://…` selects PostgreSQL; undefined means SQLite in the data dir. */
  databaseUrl?: string;
  sqlitePath: string;
  partition: string;
  /** Regions accepted in the SigV4 scope; empty means any well-formed region. */
  allowedRegions: string[];
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  logLevel: string;
  hsm: HsmConfig;
  bootstrap?: BootstrapCredentials;
  /** Account id used for the first account when no bootstrap credentials are given. */
  defaultAccountId: string;
  /** How often the background deletion sweeper runs, in ms. */
  sweepIntervalMs: number;
  /** The audit trail: node id, digests, write timeout, sink, retention (src/config/audit.ts). */
  audit: AuditConfig;
  /** The XKS proxy API listeners; set when STRONGROOM_XKS_CONFIG names the XKS config file. */
  xks?: XksListenerConfig;
}
