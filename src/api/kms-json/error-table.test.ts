import { describe, expect, it } from 'vitest';
import { HsmBusyError, HsmDecryptError, HsmError, HsmKeyNotFoundError, HsmUnavailableError, HsmUnsupportedError } from '../../kms/ports/hsm.js';
import { NotFoundException } from '../../kms/errors.js';
import { toWireError } from './error-table.js';

describe('KMS wire errors for HSM-layer failures', () => {
  it.each([
    [new HsmBusyError('pool wait'), 503, 'DependencyTimeoutException'],
    [new HsmUnavailableError('token gone'), 500, 'KeyUnavailableException'],
    [new HsmUnsupportedError('no Ed25519 here'), 400, 'UnsupportedOperationException'],
    [new HsmDecryptError('tag mismatch'), 400, 'InvalidCiphertextException'],
    [new HsmKeyNotFoundError('material gone'), 500, 'KMSInternalException'],
    [new HsmError('CKR_FUNCTION_FAILED'), 500, 'KMSInternalException'],
  ])('%s → %i %s, never the HSM message', (error, status, type) => {
    const wire = toWireError(error);
    expect(wire).toMatchObject({ status, type });
    expect(wire!.message).not.toContain(error.message);
  });

  it('passes KMS errors through and leaves unexpected errors to the caller', () => {
    expect(toWireError(new NotFoundException('Key not found'))).toStrictEqual({ status: 400, type: 'NotFoundException', message: 'Key not found' });
    expect(toWireError(new Error('boom'))).toBeUndefined();
  });
});
