/**
 * Which keys can rotate, and in which states (AWS KMS API Reference §2.9; key-state matrix §3.4
 * footnotes [6] and [7]). Only symmetric encryption keys rotate; automatic rotation additionally
 * needs KMS-generated material (Origin AWS_KMS). Keys with imported material rotate on demand
 * only, into material imported beforehand (ImportType NEW_KEY_MATERIAL), and report rotation
 * status and history like any other symmetric key.
 */
import type { KeyRecord } from './model/key.js';
import type { MaterialDetails, RotationSettings } from './model/lifecycle.js';
import type { RotationsListEntry } from './model/api-shapes.js';
import type { MaterialView } from './ports/store-rotations.js';
import { stateError } from './key-state.js';
import { UnsupportedOperationException } from './errors.js';
import { toEpochSeconds, DAY_MS } from '../lib/time.js';

export function isSymmetricEncryptionKey(key: KeyRecord): boolean {
  return key.keySpec === 'SYMMETRIC_DEFAULT' && key.keyUsage === 'ENCRYPT_DECRYPT';
}

/** Footnote [6]/[7] and §4.3: "<key ARN> origin is EXTERNAL which is not valid for this operation." */
export function originNotValid(key: KeyRecord): UnsupportedOperationException {
  return new UnsupportedOperationException(`${key.arn} origin is ${key.origin} which is not valid for this operation.`);
}

/** GetKeyRotationStatus, ListKeyRotations, RotateKeyOnDemand: symmetric encryption keys only. */
export function assertRotatableKey(key: KeyRecord): void {
  if (!isSymmetricEncryptionKey(key)) {
    throw new UnsupportedOperationException(`${key.arn} key spec ${key.keySpec} does not support key rotation; only symmetric encryption keys rotate.`);
  }
}

/** EnableKeyRotation, DisableKeyRotation: symmetric keys with KMS-generated material, Enabled. */
export function assertAutomaticRotationConfigurable(key: KeyRecord): void {
  assertRotatableKey(key);
  if (key.origin !== 'AWS_KMS') throw originNotValid(key);
  // Disabled → DisabledException [1]; pending deletion → KMSInvalidStateException [3]; others [7].
  if (key.keyState !== 'Enabled') throw stateError(key);
}

export function isPendingDeletion(key: KeyRecord): boolean {
  return key.keyState === 'PendingDeletion' || key.keyState === 'PendingReplicaDeletion';
}

/**
 * Next automatic rotation when rotation is (re)configured: a newly enabled schedule starts now;
 * changing the period of a running one keeps its start (enable date or last rotation), and a date
 * that has already passed means "due now" (the scheduler rotates on its next run).
 */
export function nextRotationOf(current: RotationSettings | undefined, periodDays: number, now: number): { anchor: number; next: number } {
  const anchor = current?.enabled && current.periodAnchorAt !== undefined ? current.periodAnchorAt : now;
  return { anchor, next: Math.max(anchor + periodDays * DAY_MS, now) };
}

function materialState(key: KeyRecord, materialId: string, details: MaterialDetails | undefined): RotationsListEntry['KeyMaterialState'] {
  if (key.currentMaterialId === materialId) return 'CURRENT';
  return details?.pendingRotation ? 'PENDING_ROTATION' : 'NON_CURRENT';
}

/** One ListKeyRotations entry (RotationsListEntry). */
export function rotationEntry(key: KeyRecord, view: MaterialView): RotationsListEntry {
  const { material, details } = view;
  const entry: RotationsListEntry = {
    KeyId: key.arn,
    KeyMaterialId: material.materialId,
    KeyMaterialState: materialState(key, material.materialId, details),
  };
  if (details?.rotationType) entry.RotationType = details.rotationType;
  if (details?.rotatedAt !== undefined) entry.RotationDate = toEpochSeconds(details.rotatedAt);
  if (details?.imported) {
    entry.ImportState = details.importState ?? 'PENDING_IMPORT';
    if (details.expirationModel) entry.ExpirationModel = details.expirationModel;
    if (details.validTo !== undefined) entry.ValidTo = toEpochSeconds(details.validTo);
    if (details.description !== undefined) entry.KeyMaterialDescription = details.description;
  }
  return entry;
}
