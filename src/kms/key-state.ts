/**
 * The key-state rules (AWS KMS Developer Guide, "Key states of AWS KMS keys"; reference §3.4).
 * Messages are AWS's: "<key ARN> is disabled." / "<key ARN> is pending deletion." …
 */
import type { KeyRecord, KeyState } from './model/key.js';
import { DisabledException, KMSInvalidStateException } from './errors.js';

const STATE_PHRASE: Record<KeyState, string> = {
  Enabled: 'enabled',
  Disabled: 'disabled',
  PendingDeletion: 'pending deletion',
  PendingImport: 'pending import',
  PendingReplicaDeletion: 'pending replica deletion',
  Unavailable: 'unavailable',
  Creating: 'creating',
  Updating: 'updating',
};

export function stateError(key: KeyRecord): Error {
  const msg = `${key.arn} is ${STATE_PHRASE[key.keyState]}.`;
  return key.keyState === 'Disabled' ? new DisabledException(msg) : new KMSInvalidStateException(msg);
}

/** Cryptographic operations (Encrypt, Decrypt, ReEncrypt, GenerateDataKey*, …) need an Enabled key. */
export function assertUsableForCrypto(key: KeyRecord): void {
  if (key.keyState !== 'Enabled' && key.keyState !== 'Updating') throw stateError(key);
}

/** Management operations refused only while the key is pending deletion (CreateAlias, TagResource, …). */
export function assertNotPendingDeletion(key: KeyRecord): void {
  if (key.keyState === 'PendingDeletion' || key.keyState === 'PendingReplicaDeletion') throw stateError(key);
}
