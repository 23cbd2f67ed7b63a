/**
 * AWS (Coral) wording for model-level validation failures, shared by the request decoder and by
 * operation handlers that add their own ValidationException checks in the same style.
 *
 * @example
 *   validationMessage([constraintViolation('numberOfBytes', '0', minValuePhrase(1))])
 *   // "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint:
 *   //  Member must have value greater than or equal to 1"
 */

/**
 * One violation. `shown` is the rendered value, or null to omit it (sensitive members, blobs):
 * "Value at 'plaintext' failed to satisfy constraint: …".
 */
export function constraintViolation(path: string, shown: string | null, phrase: string): string {
  return shown === null
    ? `Value at '${path}' failed to satisfy constraint: ${phrase}`
    : `Value '${shown}' at '${path}' failed to satisfy constraint: ${phrase}`;
}

/** A missing required member: "Value null at 'keyId' failed to satisfy constraint: Member must not be null". */
export function nullViolation(path: string): string {
  return `Value null at '${path}' failed to satisfy constraint: ${NOT_NULL}`;
}

/** "N validation error(s) detected: a; b". `violations` must not be empty. */
export function validationMessage(violations: readonly string[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}

export const NOT_NULL = 'Member must not be null';

export function minLengthPhrase(min: number): string {
  return `Member must have length greater than or equal to ${min}`;
}
export function maxLengthPhrase(max: number): string {
  return `Member must have length less than or equal to ${max}`;
}
export function minValuePhrase(min: number): string {
  return `Member must have value greater than or equal to ${min}`;
}
export function maxValuePhrase(max: number): string {
  return `Member must have value less than or equal to ${max}`;
}
export function patternPhrase(pattern: string): string {
  return `Member must satisfy regular expression pattern: ${pattern}`;
}
export function enumPhrase(values: readonly string[]): string {
  return `Member must satisfy enum value set: [${values.join(', ')}]`;
}

/** lowerCamelCase of a model member name, as Coral prints member paths (`KeySpec` → `keySpec`). */
export function memberPath(memberName: string): string {
  return memberName.charAt(0).toLowerCase() + memberName.slice(1);
}
