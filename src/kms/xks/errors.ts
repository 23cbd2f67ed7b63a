/**
 * Typed XKS proxy errors. Each class name is the spec's `errorName` (XKS proxy API spec v1.0.3,
 * "Error codes"); the HTTP status of each lives in the protocol's one table
 * (`api/xks/error-table.ts`). Messages go to KMS's CloudWatch Logs, never to KMS callers, so they
 * may be specific, but must be printable ASCII under 512 characters (the table enforces that).
 *
 * Some names repeat KMS JSON error names (ValidationException, AccessDeniedException, …): they are
 * different classes of a different protocol, so always import them from this module.
 */
export abstract class XksError extends Error {
  constructor(message = '') {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationException extends XksError {}
export class InvalidStateException extends XksError {}
export class InvalidCiphertextException extends XksError {
  constructor(message = 'The ciphertext, initialization vector, additional authenticated data, ciphertext metadata or authentication tag is corrupted, missing or otherwise invalid.') {
    super(message);
  }
}
export class InvalidKeyUsageException extends XksError {}
export class AuthenticationFailedException extends XksError {}
export class AccessDeniedException extends XksError {
  constructor(
    message: string,
    /** The sid of the rule that denied, when one did (for the log line and the audit record). */
    readonly rule?: string,
  ) {
    super(message);
  }
}
export class KeyNotFoundException extends XksError {}
export class InvalidUriPathException extends XksError {}
export class ThrottlingException extends XksError {}
export class UnsupportedOperationException extends XksError {}
export class DependencyTimeoutException extends XksError {}
export class InternalException extends XksError {}
/** Not in the spec's table: the spec only says a GET "MUST be rejected with a 405". */
export class MethodNotAllowedException extends XksError {}
