/**
 * The one error `policy/` throws. Its message is written for MalformedPolicyDocumentException
 * (reference §4.3), which the caller raises after `instanceof PolicySyntaxError`.
 */
export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError';
}

/** AWS KMS's wording (reference §4.3). */
export const INVALID_PRINCIPALS = 'Policy contains a statement with one or more invalid principals.';

/** AWS KMS's wording for a failed lockout safety check (reference §4.3, §5.10). */
export const LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';
