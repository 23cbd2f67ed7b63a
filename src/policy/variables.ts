/**
 * Policy variables (IAM User Guide, "IAM policy elements: Variables and tags"): `${aws:username}`,
 * `${aws:PrincipalTag/team, 'none'}` (default value), and the escapes `${*}`, `${?}`, `${$}` for
 * literal characters. Only in `"Version": "2012-10-17"` policies; only in Resource and in
 * String and Arn condition values. A variable whose key is absent or multi-valued, with no default,
 * leaves the value unresolvable, and an unresolvable value matches nothing.
 */
import type { PatternPart } from './wildcard.js';

const VARIABLE = /\$\{([^}]*)\}/g;
const BODY = /^\s*([^\s,'}]+)\s*(?:,\s*'([^']*)'\s*)?$/;
const ESCAPES: Readonly<Record<string, string>> = { '*': '*', '?': '?', $: '$' };

export function hasVariables(raw: string): boolean {
  return /\$\{[^}]*\}/.test(raw);
}

/** Single-valued lookup by lower-cased key name. */
export type VariableLookup = (keyLower: string) => string | undefined;

/** Splits `raw` into wildcard text and substituted (literal) text; undefined if unresolvable. */
export function substitute(raw: string, lookup: VariableLookup): PatternPart[] | undefined {
  const parts: PatternPart[] = [];
  let last = 0;
  for (const m of raw.matchAll(VARIABLE)) {
    parts.push({ text: raw.slice(last, m.index), literal: false });
    last = m.index + m[0].length;
    const body = m[1] ?? '';
    const escaped = ESCAPES[body.trim()];
    if (escaped !== undefined) {
      parts.push({ text: escaped, literal: true });
      continue;
    }
    const b = BODY.exec(body);
    if (!b) return undefined;
    const value = lookup(b[1]!.toLowerCase()) ?? b[2];
    if (value === undefined) return undefined;
    parts.push({ text: value, literal: true });
  }
  parts.push({ text: raw.slice(last), literal: false });
  return parts;
}
