/**
 * The one table mapping errors to XKS wire errors (XKS proxy API spec v1.0.3, "Error codes"):
 * `{"errorName": …, "errorMessage": …}` with the spec's HTTP status. errorMessage must be printable
 * ASCII under 512 characters; anything else is replaced or cut here.
 */
import * as E from '../../kms/xks/errors.js';
import { HsmBusyError, HsmDecryptError, HsmError, HsmUnavailableError } from '../../kms/ports/hsm.js';

export interface XksWireError {
  status: number;
  errorName: string;
  errorMessage: string;
}

const STATUS: ReadonlyMap<Function, number> = new Map<Function, number>([
  [E.ValidationException, 400],
  [E.InvalidStateException, 400],
  [E.InvalidCiphertextException, 400],
  [E.InvalidKeyUsageException, 400],
  [E.AuthenticationFailedException, 401],
  [E.AccessDeniedException, 403],
  [E.KeyNotFoundException, 404],
  [E.InvalidUriPathException, 404],
  [E.MethodNotAllowedException, 405],
  [E.ThrottlingException, 429],
  [E.InternalException, 500],
  [E.UnsupportedOperationException, 501],
  [E.DependencyTimeoutException, 503],
]);

const MAX_MESSAGE = 511;

export function sanitizeMessage(message: string): string {
  const ascii = message.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > MAX_MESSAGE ? `${ascii.slice(0, MAX_MESSAGE - 3)}...` : ascii;
}

/** HSM-layer failures that escaped an operation. */
function fromHsm(e: HsmError): E.XksError {
  if (e instanceof HsmBusyError) return new E.DependencyTimeoutException('The HSM did not answer in time (no free session).');
  if (e instanceof HsmDecryptError) return new E.InvalidCiphertextException();
  if (e instanceof HsmUnavailableError) return new E.InternalException('The HSM is unavailable.');
  return new E.InternalException('The HSM failed to perform the operation.');
}

/** undefined for an unexpected error: the caller logs it and answers InternalException. */
export function toXksWireError(err: unknown): XksWireError | undefined {
  const e = err instanceof HsmError ? fromHsm(err) : err;
  if (!(e instanceof E.XksError)) return undefined;
  return { status: STATUS.get(e.constructor) ?? 500, errorName: e.name, errorMessage: sanitizeMessage(e.message) };
}

export function internalXksWireError(requestId: string): XksWireError {
  return { status: 500, errorName: 'InternalException', errorMessage: `An internal error occurred. Request ID: ${requestId}` };
}
