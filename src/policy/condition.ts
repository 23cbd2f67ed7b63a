/**
 * The Condition element (reference §5.10; IAM User Guide, "Condition operators" and "Conditions
 * with multiple context keys or values"):
 * - operator blocks AND'd, keys within a block AND'd, values for one key OR'd — and for a
 *   negated operator (StringNotEquals, NotIpAddress, ArnNotLike, …) NOR'd;
 * - a key absent from the request makes a positive operator false and a negated operator true
 *   ("If the policy condition requires that the key is not matched, such as StringNotLike or
 *   ArnNotLike, and the right key is not present, the condition is true");
 * - `…IfExists`: true when the key is absent, otherwise the base operator;
 * - `Null`: `true` = the key is absent, `false` = present (an empty list counts as absent);
 * - `ForAnyValue:` true iff some request value satisfies the operator (false on an absent/empty
 *   key); `ForAllValues:` true iff every request value does (true on an absent/empty key). For a
 *   negated operator "satisfies" means "matches none of the policy values".
 * - Without a set qualifier, a multi-valued request key is satisfied by a positive operator when
 *   any of its values matches, and by a negated operator when none does (our choice; AWS says to
 *   always use a qualifier with multi-valued keys and does not document this case).
 */
import { OPERATORS, type Scalar } from './operators.js';
import type { CompiledValue, ConditionClause } from './types.js';
import { substitute } from './variables.js';

/** Request condition keys, lower-cased, every value as a list (absent ⇔ not in the map). */
export type KeyValues = ReadonlyMap<string, readonly Scalar[]>;

export function singleValue(keys: KeyValues, keyLower: string): string | undefined {
  const v = keys.get(keyLower);
  return v !== undefined && v.length === 1 ? String(v[0]) : undefined;
}

function resolve(clause: ConditionClause, c: CompiledValue, keys: KeyValues): unknown {
  if ('value' in c) return c.value;
  const parts = substitute(c.template, (k) => singleValue(keys, k));
  return parts === undefined ? undefined : OPERATORS[clause.operator].fromParts(parts);
}

function clauseHolds(clause: ConditionClause, keys: KeyValues): boolean {
  const requestValues = keys.get(clause.keyLower);
  const present = requestValues !== undefined && requestValues.length > 0;
  if (clause.operator === 'Null') {
    return clause.compiled.some((c) => 'value' in c && c.value === !present);
  }
  if (!present) {
    if (clause.ifExists || clause.set === 'ForAllValues') return true;
    if (clause.set === 'ForAnyValue') return false;
    return OPERATORS[clause.operator].negated;
  }
  const op = OPERATORS[clause.operator];
  const policyValues = clause.compiled.map((c) => resolve(clause, c, keys));
  // Positive match of one request value against any policy value; unresolvable values match nothing.
  const matches = (r: Scalar): boolean => policyValues.some((v) => v !== undefined && op.test(r, v));
  if (clause.set === undefined) {
    const any = requestValues.some(matches);
    return op.negated ? !any : any;
  }
  const satisfies = (r: Scalar): boolean => (op.negated ? !matches(r) : matches(r));
  return clause.set === 'ForAnyValue' ? requestValues.some(satisfies) : requestValues.every(satisfies);
}

export function conditionsHold(clauses: readonly ConditionClause[], keys: KeyValues): boolean {
  return clauses.every((c) => clauseHolds(c, keys));
}
