/**
 * Parses a statement's Condition element into clauses, rejecting what AWS rejects: unknown
 * operators, `Null` with `IfExists` or a set qualifier, values that are not strings, numbers or
 * booleans (or non-empty lists of them), values invalid for their operator (a non-number for
 * NumericEquals, a bad CIDR, …), and `ForAllValues:` on the single-valued
 * `kms:EncryptionContext:<key>` / `aws:RequestTag/<key>` keys (reference §5.10,
 * OverlyPermissiveCondition).
 */
import { PolicySyntaxError } from './errors.js';
import { JsonNumber, type JsonValue } from './json.js';
import { lookupOperator, OPERATORS } from './operators.js';
import type { CompiledValue, ConditionClause, SetQualifier } from './types.js';
import { hasVariables } from './variables.js';

const QUALIFIED = /^(ForAnyValue|ForAllValues):(.+)$/i;
const CONDITION_KEY = /^[A-Za-z0-9-]+:./;
const SINGLE_VALUED_FOR_ALL = /^(?:kms:encryptioncontext:|aws:requesttag\/)/;

function fail(message: string): never {
  throw new PolicySyntaxError(message);
}

function scalarText(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof JsonNumber) return v.raw;
  return fail('Condition values must be strings, numbers or booleans, or lists of them.');
}

export function parseCondition(element: JsonValue, variablesEnabled: boolean): ConditionClause[] {
  if (!(element instanceof Map)) fail('The Condition element must be a JSON object.');
  const clauses: ConditionClause[] = [];
  for (const [operatorName, block] of element) {
    const q = QUALIFIED.exec(operatorName);
    const set: SetQualifier | undefined = q
      ? q[1]!.toLowerCase() === 'foranyvalue'
        ? 'ForAnyValue'
        : 'ForAllValues'
      : undefined;
    let base = q ? q[2]! : operatorName;
    const ifExists = /IfExists$/i.test(base) && base.length > 'IfExists'.length;
    if (ifExists) base = base.slice(0, -'IfExists'.length);
    const operator = lookupOperator(base);
    if (operator === undefined) fail(`Policy contains an unknown condition operator: ${operatorName}.`);
    if (operator === 'Null' && (ifExists || set)) {
      fail(`The Null condition operator cannot be combined with IfExists or a set operator: ${operatorName}.`);
    }
    if (!(block instanceof Map)) fail(`The ${operatorName} condition must map condition keys to values.`);
    const op = OPERATORS[operator];
    for (const [key, raw] of block) {
      if (!CONDITION_KEY.test(key)) fail(`Invalid condition key "${key}": it must be prefixed with a vendor, e.g. kms: or aws:.`);
      const keyLower = key.toLowerCase();
      if (set === 'ForAllValues' && SINGLE_VALUED_FOR_ALL.test(keyLower)) {
        fail(
          'OverlyPermissiveCondition: Using the ForAllValues set operator with a single-valued condition key ' +
            `(${key}) is not permitted. Remove the set operator or replace it with ForAnyValue.`,
        );
      }
      const list = Array.isArray(raw) ? raw : [raw];
      if (list.length === 0) fail(`The condition key ${key} has an empty list of values.`);
      const values = list.map(scalarText);
      const compiled = values.map((v): CompiledValue => {
        if (op.variables && variablesEnabled && hasVariables(v)) return { template: v };
        const value = op.prepare(v);
        if (value === undefined) fail(`Invalid value "${v}" for condition operator ${operatorName} (key ${key}).`);
        return { value };
      });
      clauses.push({ operatorName, operator, ifExists, ...(set ? { set } : {}), key, keyLower, values, compiled });
    }
  }
  return clauses;
}
