/**
 * CloudTrail LookupEvents errors (CloudTrail API Reference: LookupEvents, "Errors"). Typed like
 * the KMS errors, so the shared wire-error table maps them (400, `__type` = class name).
 */
import { KmsError } from '../../kms/errors.js';

export class InvalidLookupAttributesException extends KmsError {}
export class InvalidTimeRangeException extends KmsError {}
export class InvalidMaxResultsException extends KmsError {}
export class InvalidNextTokenException extends KmsError {}
export class InvalidEventCategoryException extends KmsError {}
