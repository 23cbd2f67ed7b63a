/**
 * Policy evaluation: parse and evaluate IAM-grammar key and identity policies, KMS
 * authorization (key policy + identity policies + grants), the lockout safety check, and grant
 * constraint checks. Pure: no I/O, no clock (time is passed in), no module state.
 */
export { PolicySyntaxError, INVALID_PRINCIPALS, LOCKOUT_MESSAGE } from './errors.js';
export { parsePolicy, checkPolicyCharacters, type ParseOptions } from './parse.js';
export { evaluatePolicy } from './evaluate.js';
export {
  authorizeKmsRequest,
  accessDeniedMessage,
  wouldLockOut,
  type AuthorizationInput,
  type Decision,
  type DenyDecision,
  type DenyReason,
  type LockoutInput,
} from './authorize.js';
export {
  grantAllows,
  constraintsSatisfied,
  constraintsAtLeastAsStrict,
  EC_OPERATIONS,
  type GrantLike,
  type GrantConstraintsLike,
  type GrantRequest,
} from './grants.js';
export { encryptionContextConditionKeys } from './context-keys.js';
export type {
  Policy,
  PolicyKind,
  Statement,
  PrincipalSet,
  ConditionClause,
  ConditionValue,
  RequestContext,
  RequestPrincipal,
} from './types.js';
