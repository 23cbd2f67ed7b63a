/**
 * Typed KMS errors. Each class's name is the AWS `__type`; the HTTP status for each lives in the
 * protocol's error table (`api/kms-json/error-table.ts`), not here. Messages follow AWS's wording
 * (reference: AWS KMS API, "Common Errors" and each operation's Errors section).
 */
export abstract class KmsError extends Error {
  constructor(message = '') {
    super(message);
    this.name = new.target.name;
  }
}

// Protocol and authentication (not in the Smithy model; common to AWS JSON services).
export class SerializationException extends KmsError {}
export class UnknownOperationException extends KmsError {}
export class RequestEntityTooLargeException extends KmsError {}
export class MissingAuthenticationTokenException extends KmsError {}
export class IncompleteSignatureException extends KmsError {}
export class InvalidSignatureException extends KmsError {}
export class UnrecognizedClientException extends KmsError {}
export class ExpiredTokenException extends KmsError {}
export class AccessDeniedException extends KmsError {}
export class ThrottlingException extends KmsError {}

// Modelled KMS errors.
export class ValidationException extends KmsError {}
export class NotFoundException extends KmsError {}
export class DisabledException extends KmsError {}
export class KMSInvalidStateException extends KmsError {}
export class InvalidCiphertextException extends KmsError {}
export class IncorrectKeyException extends KmsError {}
export class InvalidKeyUsageException extends KmsError {}
export class InvalidArnException extends KmsError {}
export class InvalidAliasNameException extends KmsError {}
export class InvalidMarkerException extends KmsError {}
export class InvalidGrantTokenException extends KmsError {}
export class InvalidGrantIdException extends KmsError {}
export class AlreadyExistsException extends KmsError {}
export class LimitExceededException extends KmsError {}
export class TagException extends KmsError {}
export class MalformedPolicyDocumentException extends KmsError {}
export class UnsupportedOperationException extends KmsError {}
export class DryRunOperationException extends KmsError {
  constructor() {
    super('The request would have succeeded, but the DryRun option is set.');
  }
}
export class ConflictException extends KmsError {}
export class KMSInvalidSignatureException extends KmsError {}
export class KMSInvalidMacException extends KmsError {}
export class IncorrectKeyMaterialException extends KmsError {}
export class InvalidImportTokenException extends KmsError {}
export class ExpiredImportTokenException extends KmsError {}
export class CustomKeyStoreNotFoundException extends KmsError {}
export class KMSInternalException extends KmsError {}
export class KeyUnavailableException extends KmsError {}
export class DependencyTimeoutException extends KmsError {}
