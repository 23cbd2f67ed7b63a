/**
 * Secondary authorization for external keys (XKS proxy API spec v1.0.3, "Authorization": the
 * proxy MAY authorize on requestMetadata, and for AccessDenied SHOULD log the statement that
 * denied). A key may carry a rule set; without one, every authenticated request is allowed.
 *
 * Semantics, modelled on IAM: a matching Deny rule denies; otherwise, when the set has Allow
 * rules, one of them must match. A rule matches when every condition it states matches; a
 * condition is a list of wildcard patterns (`*`, `?`) of which one must match the field. A field
 * KMS did not send is matched as the empty string, so `"viaServices": ["ebs", ""]` allows EBS and
 * direct calls. Pure: no I/O.
 */
import { compileGlob, globMatch } from '../../policy/wildcard.js';

export interface XksRule {
  /** Named in every denial and log line: [A-Za-z0-9_-]{1,64}, unique in its set. */
  sid: string;
  effect: 'Allow' | 'Deny';
  /** awsPrincipalArn patterns. */
  principals?: string[];
  /** kmsOperation patterns (Encrypt, Decrypt, GenerateDataKey, ReEncrypt, DescribeKey, CreateKey, …). */
  operations?: string[];
  /** kmsViaService patterns (e.g. `ebs`); `""` = called directly. */
  viaServices?: string[];
  /** awsSourceVpc patterns; `""` = not through a VPC endpoint. */
  sourceVpcs?: string[];
  /** awsSourceVpce patterns (VPC endpoint ids). */
  sourceVpcEndpoints?: string[];
}

export interface XksRuleSet {
  rules: XksRule[];
}

/** The requestMetadata fields rules can test. */
export interface XksAuthzInput {
  awsPrincipalArn?: string;
  kmsOperation?: string;
  kmsViaService?: string;
  awsSourceVpc?: string;
  awsSourceVpce?: string;
}

export type XksAuthzDecision = { allowed: true } | { allowed: false; rule?: string; reason: string };

export class XksRuleSyntaxError extends Error {}

const CONDITIONS = [
  ['principals', 'awsPrincipalArn'],
  ['operations', 'kmsOperation'],
  ['viaServices', 'kmsViaService'],
  ['sourceVpcs', 'awsSourceVpc'],
  ['sourceVpcEndpoints', 'awsSourceVpce'],
] as const satisfies ReadonlyArray<readonly [keyof XksRule, keyof XksAuthzInput]>;

const SID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_RULES = 50;
const MAX_PATTERNS = 100;
const MAX_PATTERN_LENGTH = 2048;

function patterns(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PATTERNS) {
    throw new XksRuleSyntaxError(`${where} must be a list of 1 to ${MAX_PATTERNS} patterns`);
  }
  for (const p of value) {
    if (typeof p !== 'string' || p.length > MAX_PATTERN_LENGTH || !/^[\x20-\x7e]*$/.test(p)) {
      throw new XksRuleSyntaxError(`${where} patterns must be printable ASCII strings of at most ${MAX_PATTERN_LENGTH} characters`);
    }
  }
  return [...(value as string[])];
}

/** Validates a rule set from the CLI, a seed file or the database; accepts `[...]` or `{rules: [...]}`. */
export function parseXksRuleSet(value: unknown): XksRuleSet {
  const list = Array.isArray(value) ? value : (value as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(list) || list.length > MAX_RULES) {
    throw new XksRuleSyntaxError(`a rule set is a list of at most ${MAX_RULES} rules (or {"rules": [...]})`);
  }
  const seen = new Set<string>();
  const rules = list.map((raw, i): XksRule => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new XksRuleSyntaxError(`rule ${i + 1} must be an object`);
    const r = raw as Record<string, unknown>;
    const known = new Set<string>(['sid', 'effect', ...CONDITIONS.map(([c]) => c)]);
    const unknown = Object.keys(r).filter((k) => !known.has(k));
    if (unknown.length > 0) throw new XksRuleSyntaxError(`rule ${i + 1} has unknown field(s): ${unknown.join(', ')}`);
    if (typeof r.sid !== 'string' || !SID_RE.test(r.sid)) throw new XksRuleSyntaxError(`rule ${i + 1} needs a sid of 1-64 characters [A-Za-z0-9_-]`);
    if (seen.has(r.sid)) throw new XksRuleSyntaxError(`rule sid '${r.sid}' is used twice`);
    seen.add(r.sid);
    const effect = r.effect ?? 'Allow';
    if (effect !== 'Allow' && effect !== 'Deny') throw new XksRuleSyntaxError(`rule '${r.sid}': effect must be Allow or Deny`);
    const rule: XksRule = { sid: r.sid, effect };
    for (const [field] of CONDITIONS) {
      if (r[field] !== undefined) rule[field] = patterns(r[field], `rule '${r.sid}' ${field}`);
    }
    return rule;
  });
  return { rules };
}

/** The first condition of `rule` that the request does not meet, or undefined when it matches. */
function firstMismatch(rule: XksRule, input: XksAuthzInput): string | undefined {
  for (const [field, metadataField] of CONDITIONS) {
    const list = rule[field];
    if (list === undefined) continue;
    const subject = input[metadataField] ?? '';
    if (!list.some((p) => globMatch(compileGlob(p), subject))) return metadataField;
  }
  return undefined;
}

export function evaluateXksRules(set: XksRuleSet | undefined, input: XksAuthzInput): XksAuthzDecision {
  if (!set || set.rules.length === 0) return { allowed: true };
  for (const rule of set.rules) {
    if (rule.effect === 'Deny' && firstMismatch(rule, input) === undefined) {
      return { allowed: false, rule: rule.sid, reason: `denied by rule '${rule.sid}'` };
    }
  }
  const allows = set.rules.filter((r) => r.effect === 'Allow');
  if (allows.length === 0) return { allowed: true };
  const misses: string[] = [];
  for (const rule of allows) {
    const miss = firstMismatch(rule, input);
    if (miss === undefined) return { allowed: true };
    misses.push(`'${rule.sid}' (${miss})`);
  }
  return { allowed: false, reason: `no rule allows the request: ${misses.join(', ')} did not match` };
}
