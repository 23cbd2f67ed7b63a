/**
 * The parsed forms of IAM-grammar policies (key policies and identity policies) and the request
 * context they are evaluated against. Everything here is immutable data produced by
 * `parsePolicy`; evaluation never re-reads the JSON.
 */
import type { Pattern } from './wildcard.js';

export type PolicyKind = 'key' | 'identity';

export interface Policy {
  readonly kind: PolicyKind;
  /** Absent Version means the legacy 2008-10-17 grammar (IAM User Guide, "Version"). */
  readonly version: '2012-10-17' | '2008-10-17';
  readonly id?: string;
  readonly statements: readonly Statement[];
}

export interface Statement {
  readonly sid?: string;
  readonly effect: 'Allow' | 'Deny';
  readonly principal?: PrincipalSet;
  readonly notPrincipal?: PrincipalSet;
  /** Exactly one of action / notAction; both absent = the statement never applies (§5.10). */
  readonly action?: readonly Pattern[];
  readonly notAction?: readonly Pattern[];
  readonly resource?: readonly ResourcePattern[];
  readonly notResource?: readonly ResourcePattern[];
  readonly conditions: readonly ConditionClause[];
}

/** Principal element, normalised: account ids became `arn:<partition>:iam::<id>:root`. */
export interface PrincipalSet {
  /** `"*"` or `{"AWS": "*"}`. */
  readonly any: boolean;
  /** Exact principal ARNs (root, user, role, assumed-role session, federated user). */
  readonly aws: readonly string[];
  readonly service: readonly string[];
  readonly federated: readonly string[];
}

/** A Resource value: `*` or an ARN glob, possibly with policy variables (2012-10-17 only). */
export interface ResourcePattern {
  readonly raw: string;
  /** Precompiled when the value has no `${…}` variables. */
  readonly compiled?: Pattern;
}

export type BaseOperator =
  | 'StringEquals' | 'StringNotEquals' | 'StringEqualsIgnoreCase' | 'StringNotEqualsIgnoreCase'
  | 'StringLike' | 'StringNotLike'
  | 'NumericEquals' | 'NumericNotEquals' | 'NumericLessThan' | 'NumericLessThanEquals'
  | 'NumericGreaterThan' | 'NumericGreaterThanEquals'
  | 'DateEquals' | 'DateNotEquals' | 'DateLessThan' | 'DateLessThanEquals'
  | 'DateGreaterThan' | 'DateGreaterThanEquals'
  | 'Bool' | 'BinaryEquals' | 'IpAddress' | 'NotIpAddress'
  | 'ArnEquals' | 'ArnLike' | 'ArnNotEquals' | 'ArnNotLike'
  | 'Null';

export type SetQualifier = 'ForAnyValue' | 'ForAllValues';

export interface ConditionClause {
  /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
  readonly operatorName: string;
  readonly operator: BaseOperator;
  readonly ifExists: boolean;
  readonly set?: SetQualifier;
  /** The condition key as written, and lower-cased for lookup (key names are case-insensitive). */
  readonly key: string;
  readonly keyLower: string;
  /** Policy values as strings (JSON numbers keep their source text, booleans are "true"/"false"). */
  readonly values: readonly string[];
  /** One per value: parsed for the operator, or kept as a template when it has `${…}` variables. */
  readonly compiled: readonly CompiledValue[];
}

export type CompiledValue = { readonly value: unknown } | { readonly template: string };

export type ConditionValue = string | number | boolean | ReadonlyArray<string>;

export interface RequestPrincipal {
  readonly arn: string;
  /** 12-digit account of the caller; empty for service principals. */
  readonly accountId: string;
  /** Also matched as the caller: e.g. the role ARN for an assumed-role session. */
  readonly alternateArns?: readonly string[];
}

export interface RequestContext {
  /** e.g. `kms:Encrypt`; matched case-insensitively with `*` and `?` wildcards. */
  readonly action: string;
  /** The key ARN (or `*`-less resource ARN for IAM-only operations). */
  readonly resource: string;
  readonly principal: RequestPrincipal;
  /** Epoch ms; supplies aws:CurrentTime and aws:EpochTime unless the map already has them. */
  readonly now: number;
  /**
   * Condition key → value(s). Names are matched case-insensitively. Multi-valued keys
   * (kms:EncryptionContextKeys, kms:GrantOperations, aws:TagKeys, …) are arrays.
   */
  readonly conditionKeys: ReadonlyMap<string, ConditionValue>;
}
