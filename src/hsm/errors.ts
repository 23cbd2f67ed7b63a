/**
 * The one CKR → typed-error table of the HSM layer. Everything else in src/hsm asks this file
 * what a PKCS#11 failure means; nothing matches on message text elsewhere.
 *
 * pkcs11js 2.1.7 error shapes (reference/softhsm-pkcs11-notes.md §6.5): most calls throw a
 * `Pkcs11Error` with a numeric `code` and `message` = "CKR_…"; `C_SetAttributeValue` throws a
 * plain Error whose message is "CKR_ATTRIBUTE_READ_ONLY:16" (no code); wrong argument types throw
 * TypeError. So: `code` first, then `/:(\d+)/`, then the `/CKR_[A-Z_]+/` name.
 */
import {
  HsmBusyError,
  HsmDecryptError,
  HsmError,
  HsmUnavailableError,
  HsmUnsupportedError,
} from '../kms/ports/hsm.js';

/**
 * What a return value means to us:
 * - `device`: the session, login, library or a cached handle is gone → recovery (generation bump,
 *   new sessions, re-login, re-find) and one retry.
 * - `reinit`: like device, but the library itself must be finalized and initialized again.
 * - `auth`: in decrypt/unwrap paths an authentication failure (SoftHSM 2.6 reports GCM tag/AAD
 *   and KWP integrity failures as CKR_GENERAL_ERROR, not CKR_ENCRYPTED_DATA_INVALID).
 * - `unsupported`, `busy`: map to the matching HsmError subclass.
 */
export type CkrKind = 'device' | 'reinit' | 'auth' | 'unsupported' | 'busy' | 'other';

interface CkrRow {
  name: string;
  kind: CkrKind;
}

// Numeric values: PKCS#11 v2.40 pkcs11t.h.
const CKR_TABLE: ReadonlyMap<number, CkrRow> = new Map<number, CkrRow>([
  [0x002, { name: 'CKR_HOST_MEMORY', kind: 'other' }],
  [0x005, { name: 'CKR_GENERAL_ERROR', kind: 'auth' }],
  [0x006, { name: 'CKR_FUNCTION_FAILED', kind: 'other' }],
  [0x007, { name: 'CKR_ARGUMENTS_BAD', kind: 'other' }],
  [0x010, { name: 'CKR_ATTRIBUTE_READ_ONLY', kind: 'other' }],
  [0x011, { name: 'CKR_ATTRIBUTE_SENSITIVE', kind: 'other' }],
  [0x020, { name: 'CKR_DATA_INVALID', kind: 'other' }],
  [0x021, { name: 'CKR_DATA_LEN_RANGE', kind: 'other' }],
  [0x030, { name: 'CKR_DEVICE_ERROR', kind: 'reinit' }],
  [0x031, { name: 'CKR_DEVICE_MEMORY', kind: 'busy' }],
  [0x032, { name: 'CKR_DEVICE_REMOVED', kind: 'reinit' }],
  [0x040, { name: 'CKR_ENCRYPTED_DATA_INVALID', kind: 'auth' }],
  [0x041, { name: 'CKR_ENCRYPTED_DATA_LEN_RANGE', kind: 'auth' }],
  [0x060, { name: 'CKR_KEY_HANDLE_INVALID', kind: 'device' }],
  [0x062, { name: 'CKR_KEY_SIZE_RANGE', kind: 'other' }],
  [0x063, { name: 'CKR_KEY_TYPE_INCONSISTENT', kind: 'other' }],
  [0x068, { name: 'CKR_KEY_FUNCTION_NOT_PERMITTED', kind: 'other' }],
  [0x06a, { name: 'CKR_KEY_UNEXTRACTABLE', kind: 'other' }],
  [0x070, { name: 'CKR_MECHANISM_INVALID', kind: 'unsupported' }],
  [0x071, { name: 'CKR_MECHANISM_PARAM_INVALID', kind: 'unsupported' }],
  // A cached handle that no longer names an object: after C_Logout (SoftHSM 2.6 invalidates
  // private handles for good), after a reconnect (handle numbers are reused), or destroyed by
  // another process. Recovery re-finds; a real absence then becomes HsmKeyNotFoundError.
  [0x082, { name: 'CKR_OBJECT_HANDLE_INVALID', kind: 'device' }],
  [0x090, { name: 'CKR_OPERATION_ACTIVE', kind: 'other' }],
  [0x091, { name: 'CKR_OPERATION_NOT_INITIALIZED', kind: 'other' }],
  [0x0a0, { name: 'CKR_PIN_INCORRECT', kind: 'other' }],
  [0x0a4, { name: 'CKR_PIN_LOCKED', kind: 'other' }],
  [0x0b0, { name: 'CKR_SESSION_CLOSED', kind: 'device' }],
  [0x0b1, { name: 'CKR_SESSION_COUNT', kind: 'busy' }],
  [0x0b3, { name: 'CKR_SESSION_HANDLE_INVALID', kind: 'device' }],
  [0x0b5, { name: 'CKR_SESSION_READ_ONLY', kind: 'other' }],
  [0x0d0, { name: 'CKR_TEMPLATE_INCOMPLETE', kind: 'other' }],
  [0x0d1, { name: 'CKR_TEMPLATE_INCONSISTENT', kind: 'other' }],
  [0x0e0, { name: 'CKR_TOKEN_NOT_PRESENT', kind: 'reinit' }],
  [0x0e1, { name: 'CKR_TOKEN_NOT_RECOGNIZED', kind: 'reinit' }],
  [0x0f0, { name: 'CKR_UNWRAPPING_KEY_HANDLE_INVALID', kind: 'device' }],
  [0x100, { name: 'CKR_USER_ALREADY_LOGGED_IN', kind: 'other' }],
  [0x101, { name: 'CKR_USER_NOT_LOGGED_IN', kind: 'device' }],
  [0x110, { name: 'CKR_WRAPPED_KEY_INVALID', kind: 'auth' }],
  [0x112, { name: 'CKR_WRAPPED_KEY_LEN_RANGE', kind: 'auth' }],
  [0x113, { name: 'CKR_WRAPPING_KEY_HANDLE_INVALID', kind: 'device' }],
  // A token without the curve or key type (e.g. no Ed25519 or secp256k1) answers one of these to
  // C_GenerateKeyPair (PKCS#11 v2.40 §5.8; v3.0 adds CKR_CURVE_NOT_SUPPORTED, not in pkcs11js 2.1.7).
  [0x130, { name: 'CKR_DOMAIN_PARAMS_INVALID', kind: 'unsupported' }],
  [0x140, { name: 'CKR_CURVE_NOT_SUPPORTED', kind: 'unsupported' }],
  [0x150, { name: 'CKR_BUFFER_TOO_SMALL', kind: 'other' }],
  [0x190, { name: 'CKR_CRYPTOKI_NOT_INITIALIZED', kind: 'reinit' }],
  [0x191, { name: 'CKR_CRYPTOKI_ALREADY_INITIALIZED', kind: 'other' }],
]);

const BY_NAME: ReadonlyMap<string, number> = new Map([...CKR_TABLE].map(([code, row]) => [row.name, code]));

export const CKR = {
  GENERAL_ERROR: 0x005,
  ATTRIBUTE_SENSITIVE: 0x011,
  KEY_UNEXTRACTABLE: 0x06a,
  USER_ALREADY_LOGGED_IN: 0x100,
  CRYPTOKI_ALREADY_INITIALIZED: 0x191,
} as const;

export interface CkrInfo {
  code: number | undefined;
  name: string;
  kind: CkrKind;
}

/** Reads the CKR out of whatever pkcs11js threw; `undefined` if it is not a PKCS#11 error. */
export function ckrOf(e: unknown): CkrInfo | undefined {
  if (!(e instanceof Error) || e instanceof HsmError) return undefined;
  const raw = (e as { code?: unknown }).code;
  let code = typeof raw === 'number' && raw > 0 ? raw : undefined;
  const numeric = /CKR_[A-Z_]+:(\d+)/.exec(e.message);
  if (code === undefined && numeric?.[1] !== undefined) code = Number(numeric[1]);
  const named = /CKR_[A-Z0-9_]+/.exec(e.message)?.[0];
  if (code === undefined && named !== undefined) code = BY_NAME.get(named);
  if (code === undefined && named === undefined) return undefined;
  const row = code === undefined ? undefined : CKR_TABLE.get(code);
  return { code, name: row?.name ?? named ?? `CKR_0x${code!.toString(16)}`, kind: row?.kind ?? 'other' };
}

export function isCkr(e: unknown, code: number): boolean {
  return ckrOf(e)?.code === code;
}

/** Device-class: worth a recovery and one retry. */
export function needsRecovery(e: unknown): CkrInfo | undefined {
  const info = ckrOf(e);
  return info && (info.kind === 'device' || info.kind === 'reinit') ? info : undefined;
}

/**
 * For the decrypt and unwrap calls only: authentication failures become HsmDecryptError, every
 * other error passes through unchanged (to be mapped by toHsmError or to trigger recovery).
 */
export function asDecryptFailure(e: unknown): unknown {
  const info = ckrOf(e);
  if (info?.kind === 'auth') return new HsmDecryptError('authenticated decryption failed', info.name);
  return e;
}

/** Maps any remaining failure to a typed HsmError (HsmErrors pass through unchanged). */
export function toHsmError(e: unknown, operation: string): HsmError {
  if (e instanceof HsmError) return e;
  const info = ckrOf(e);
  if (!info) return new HsmError(`${operation} failed: ${e instanceof Error ? e.message : String(e)}`);
  const msg = `${operation} failed: ${info.name}`;
  switch (info.kind) {
    case 'device':
    case 'reinit':
      return new HsmUnavailableError(msg, info.name);
    case 'unsupported':
      return new HsmUnsupportedError(msg, info.name);
    case 'busy':
      return new HsmBusyError(msg, info.name);
    default:
      return new HsmError(msg, info.name);
  }
}

/** Exposed for the table's own consistency test against pkcs11js's constants. */
export function ckrTableEntries(): Array<[number, string]> {
  return [...CKR_TABLE].map(([code, row]) => [code, row.name]);
}
