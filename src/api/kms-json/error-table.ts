/**
 * The one table that maps errors to AWS JSON 1.1 wire errors. AWS answers 400 for every client
 * fault (even where the Smithy model says 404/409/412 — reference §1.4), 500 for internal and
 * key-unavailable faults, 503 for dependency timeouts (SDKs retry 5xx).
 */
import * as E from '../../kms/errors.js';
import { HsmBusyError, HsmDecryptError, HsmError, HsmUnavailableError, HsmUnsupportedError } from '../../kms/ports/hsm.js';

export interface WireError {
  status: number;
  type: string;
  message: string;
}

const STATUS_BY_TYPE: Record<string, number> = {
  KMSInternalException: 500,
  KeyUnavailableException: 500,
  DependencyTimeoutException: 503,
  RequestEntityTooLargeException: 413,
};

/** Translates HSM-layer failures that escaped an operation. */
function fromHsm(e: HsmError): E.KmsError {
  if (e instanceof HsmBusyError) return new E.DependencyTimeoutException('The HSM did not answer in time. Retry the request.');
  if (e instanceof HsmUnavailableError) return new E.KeyUnavailableException('The HSM is unavailable. Retry the request.');
  if (e instanceof HsmDecryptError) return new E.InvalidCiphertextException();
  // The token lacks a mechanism, curve or key type the request needs (another HSM, another SoftHSM build).
  if (e instanceof HsmUnsupportedError) return new E.UnsupportedOperationException('The HSM behind this key store does not support what this request needs.');
  return new E.KMSInternalException('The HSM failed to perform the operation.');
}

/** Returns the wire error, or undefined for an unexpected error (the caller logs it and answers 500). */
export function toWireError(err: unknown): WireError | undefined {
  const e = err instanceof HsmError ? fromHsm(err) : err;
  if (!(e instanceof E.KmsError)) return undefined;
  return { status: STATUS_BY_TYPE[e.name] ?? 400, type: e.name, message: e.message };
}

export function internalWireError(requestId: string): WireError {
  return { status: 500, type: 'KMSInternalException', message: `An internal error occurred. Request ID: ${requestId}` };
}
