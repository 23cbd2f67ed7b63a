/**
 * Condition operators (reference §5.10; IAM User Guide, "IAM JSON policy elements: Condition
 * operators"). Each operator compares one request value with one policy value; negated
 * operators are defined by their positive form plus `negated`, and condition.ts applies the
 * set logic (values OR'd, negated values NOR'd).
 */
import { decodeBase64Strict } from '../lib/base64.js';
import { type Cidr, ipInCidr, parseCidr, parseIp } from './ip.js';
import type { BaseOperator } from './types.js';
import { arnMatch, globMatch, type Pattern, type PatternPart, patternFrom } from './wildcard.js';

export type Scalar = string | number | boolean;

export interface OperatorDef {
  readonly negated: boolean;
  /** String and ARN operators accept policy variables. */
  readonly variables: boolean;
  /** Parses a policy value; undefined = invalid for this operator (a syntax error). */
  prepare(raw: string): unknown;
  /** Builds a value from substituted parts (only when `variables`). */
  fromParts(parts: readonly PatternPart[]): unknown;
  /** Positive comparison of a request value with a prepared policy value. */
  test(request: Scalar, value: unknown): boolean;
}

const joined = (parts: readonly PatternPart[]): string => parts.map((p) => p.text).join('');
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const EPOCH = /^-?\d+(?:\.\d+)?$/;
const ISO =
  /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?)?$/i;

function toNumber(v: Scalar): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || !NUMERIC.test(v)) return undefined;
  return Number(v);
}

/** ISO 8601 (UTC when no offset is given) or epoch seconds → epoch ms. */
export function toEpochMs(v: Scalar): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v * 1000 : undefined;
  if (typeof v !== 'string') return undefined;
  if (EPOCH.test(v)) return Number(v) * 1000;
  const m = ISO.exec(v);
  if (!m) return undefined;
  const upper = v.toUpperCase();
  const ms = Date.parse(m[1] === undefined && v.length > 10 ? `${upper}Z` : upper);
  return Number.isNaN(ms) ? undefined : ms;
}

function toBool(v: Scalar): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : undefined;
}

function def(negated: boolean, d: Omit<OperatorDef, 'negated' | 'variables' | 'fromParts'> & Partial<OperatorDef>): OperatorDef {
  return { negated, variables: false, fromParts: () => undefined, ...d };
}

function stringOp(negated: boolean, kind: 'equals' | 'ignoreCase' | 'like'): OperatorDef {
  const fromParts = (parts: readonly PatternPart[]): unknown =>
    kind === 'like' ? patternFrom(parts, false) : kind === 'ignoreCase' ? joined(parts).toLowerCase() : joined(parts);
  return {
    negated,
    variables: true,
    fromParts,
    prepare: (raw) => fromParts([{ text: raw, literal: false }]),
    test: (r, v) =>
      kind === 'like'
        ? globMatch(v as Pattern, String(r))
        : kind === 'ignoreCase'
          ? String(r).toLowerCase() === v
          : String(r) === v,
  };
}

function arnOp(negated: boolean): OperatorDef {
  // ArnEquals and ArnLike behave identically: component-wise, case-sensitive, wildcards allowed.
  const fromParts = (parts: readonly PatternPart[]): unknown => patternFrom(parts, false);
  return {
    negated,
    variables: true,
    fromParts,
    prepare: (raw) => fromParts([{ text: raw, literal: false }]),
    test: (r, v) => arnMatch(v as Pattern, String(r)),
  };
}

function numericOp(negated: boolean, cmp: (a: number, b: number) => boolean): OperatorDef {
  return def(negated, {
    prepare: (raw) => (NUMERIC.test(raw) ? Number(raw) : undefined),
    test: (r, v) => {
      const n = toNumber(r);
      return n !== undefined && cmp(n, v as number);
    },
  });
}

function dateOp(negated: boolean, cmp: (a: number, b: number) => boolean): OperatorDef {
  return def(negated, {
    prepare: (raw) => toEpochMs(raw),
    test: (r, v) => {
      const ms = toEpochMs(r);
      return ms !== undefined && cmp(ms, v as number);
    },
  });
}

function ipOp(negated: boolean): OperatorDef {
  return def(negated, {
    prepare: (raw) => parseCidr(raw),
    test: (r, v) => {
      const ip = typeof r === 'string' ? parseIp(r) : undefined;
      return ip !== undefined && ipInCidr(ip, v as Cidr);
    },
  });
}

const eq = (a: number, b: number): boolean => a === b;
const lt = (a: number, b: number): boolean => a < b;
const le = (a: number, b: number): boolean => a <= b;
const gt = (a: number, b: number): boolean => a > b;
const ge = (a: number, b: number): boolean => a >= b;

/** `Null` is listed for name lookup only; condition.ts evaluates it (presence, not values). */
export const OPERATORS: Readonly<Record<BaseOperator, OperatorDef>> = {
  StringEquals: stringOp(false, 'equals'),
  StringNotEquals: stringOp(true, 'equals'),
  StringEqualsIgnoreCase: stringOp(false, 'ignoreCase'),
  StringNotEqualsIgnoreCase: stringOp(true, 'ignoreCase'),
  StringLike: stringOp(false, 'like'),
  StringNotLike: stringOp(true, 'like'),
  NumericEquals: numericOp(false, eq),
  NumericNotEquals: numericOp(true, eq),
  NumericLessThan: numericOp(false, lt),
  NumericLessThanEquals: numericOp(false, le),
  NumericGreaterThan: numericOp(false, gt),
  NumericGreaterThanEquals: numericOp(false, ge),
  DateEquals: dateOp(false, eq),
  DateNotEquals: dateOp(true, eq),
  DateLessThan: dateOp(false, lt),
  DateLessThanEquals: dateOp(false, le),
  DateGreaterThan: dateOp(false, gt),
  DateGreaterThanEquals: dateOp(false, ge),
  Bool: def(false, {
    prepare: (raw) => toBool(raw),
    test: (r, v) => toBool(r) === v,
  }),
  BinaryEquals: def(false, {
    prepare: (raw) => decodeBase64Strict(raw),
    test: (r, v) => {
      const b = typeof r === 'string' ? decodeBase64Strict(r) : undefined;
      return b !== undefined && b.equals(v as Buffer);
    },
  }),
  IpAddress: ipOp(false),
  NotIpAddress: ipOp(true),
  ArnEquals: arnOp(false),
  ArnLike: arnOp(false),
  ArnNotEquals: arnOp(true),
  ArnNotLike: arnOp(true),
  Null: def(false, {
    prepare: (raw) => toBool(raw),
    test: () => false,
  }),
};

const BY_LOWER_NAME = new Map(Object.keys(OPERATORS).map((k) => [k.toLowerCase(), k as BaseOperator]));

/** Operator names are matched case-insensitively. */
export function lookupOperator(name: string): BaseOperator | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}
