import { describe, expect, it } from 'vitest';
import { HsmBusyError, HsmDecryptError, HsmError, HsmUnavailableError, HsmUnsupportedError } from '../kms/ports/hsm.js';
import { asDecryptFailure, ckrOf, needsRecovery, toHsmError } from './errors.js';

function pkcs11Error(message: string, code?: number): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('ckrOf', () => {
  it('reads the numeric code of a Pkcs11Error', () => {
    expect(ckrOf(pkcs11Error('CKR_SESSION_HANDLE_INVALID', 0xb3))).toEqual({ code: 0xb3, name: 'CKR_SESSION_HANDLE_INVALID', kind: 'device' });
  });
  it('parses "CKR_ATTRIBUTE_READ_ONLY:16" from a plain Error without a code (C_SetAttributeValue)', () => {
    expect(ckrOf(new Error('CKR_ATTRIBUTE_READ_ONLY:16'))).toMatchObject({ code: 16, name: 'CKR_ATTRIBUTE_READ_ONLY' });
  });
  it('falls back to the CKR name when there is no number', () => {
    expect(ckrOf(pkcs11Error('CKR_DEVICE_ERROR', 0))).toMatchObject({ code: 0x30, kind: 'reinit' });
  });
  it('returns undefined for non-PKCS#11 errors and for HsmErrors', () => {
    expect(ckrOf(new TypeError('Argument 0 has wrong type. Should be a Buffer'))).toBeUndefined();
    expect(ckrOf(new HsmDecryptError('x', 'CKR_GENERAL_ERROR'))).toBeUndefined();
    expect(ckrOf('CKR_GENERAL_ERROR')).toBeUndefined();
  });
  it('names unknown codes in hex', () => {
    expect(ckrOf(pkcs11Error('CKR_VENDOR_DEFINED:2147483649'))).toMatchObject({ name: 'CKR_VENDOR_DEFINED', kind: 'other' });
    expect(ckrOf(pkcs11Error('weird', 0x1234))).toMatchObject({ name: 'CKR_0x1234' });
  });
});

describe('classification', () => {
  it.each([
    ['CKR_DEVICE_ERROR', 0x30],
    ['CKR_DEVICE_REMOVED', 0x32],
    ['CKR_TOKEN_NOT_PRESENT', 0xe0],
    ['CKR_SESSION_HANDLE_INVALID', 0xb3],
    ['CKR_SESSION_CLOSED', 0xb0],
    ['CKR_USER_NOT_LOGGED_IN', 0x101],
    ['CKR_CRYPTOKI_NOT_INITIALIZED', 0x190],
    ['CKR_OBJECT_HANDLE_INVALID', 0x82],
    ['CKR_KEY_HANDLE_INVALID', 0x60],
  ])('treats %s as a recovery trigger', (name, code) => {
    expect(needsRecovery(pkcs11Error(name, code))).toBeDefined();
  });
  it('does not recover from authentication or usage errors', () => {
    expect(needsRecovery(pkcs11Error('CKR_GENERAL_ERROR', 5))).toBeUndefined();
    expect(needsRecovery(pkcs11Error('CKR_KEY_UNEXTRACTABLE', 0x6a))).toBeUndefined();
  });
  it('maps GCM/KWP authentication failures to HsmDecryptError only in decrypt paths', () => {
    for (const [name, code] of [['CKR_GENERAL_ERROR', 5], ['CKR_ENCRYPTED_DATA_INVALID', 0x40], ['CKR_ENCRYPTED_DATA_LEN_RANGE', 0x41], ['CKR_WRAPPED_KEY_INVALID', 0x110]] as const) {
      expect(asDecryptFailure(pkcs11Error(name, code))).toBeInstanceOf(HsmDecryptError);
    }
    const device = pkcs11Error('CKR_SESSION_HANDLE_INVALID', 0xb3);
    expect(asDecryptFailure(device)).toBe(device);
    expect(toHsmError(pkcs11Error('CKR_GENERAL_ERROR', 5), 'seal')).not.toBeInstanceOf(HsmDecryptError);
  });
  it('maps the rest to typed errors carrying the CKR name', () => {
    expect(toHsmError(pkcs11Error('CKR_MECHANISM_INVALID', 0x70), 'x')).toBeInstanceOf(HsmUnsupportedError);
    expect(toHsmError(pkcs11Error('CKR_SESSION_COUNT', 0xb1), 'x')).toBeInstanceOf(HsmBusyError);
    expect(toHsmError(pkcs11Error('CKR_DEVICE_ERROR', 0x30), 'x')).toBeInstanceOf(HsmUnavailableError);
    const other = toHsmError(pkcs11Error('CKR_KEY_UNEXTRACTABLE', 0x6a), 'wrap');
    expect(other).toBeInstanceOf(HsmError);
    expect(other.ckr).toBe('CKR_KEY_UNEXTRACTABLE');
    expect(other.message).toBe('wrap failed: CKR_KEY_UNEXTRACTABLE');
    const busy = new HsmBusyError('b');
    expect(toHsmError(busy, 'x')).toBe(busy);
  });
});
