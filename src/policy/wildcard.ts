/**
 * IAM wildcard matching: `*` = any run of characters (including none), `?` = exactly one.
 * Used for Action (case-insensitive), Resource, StringLike and ArnLike (case-sensitive).
 *
 * A hand-written matcher rather than a RegExp: it is O(pattern × subject) in the worst case,
 * whereas a regex built from `*a*a*a*a*b` backtracks exponentially — a policy author must not be
 * able to stall the event loop. Matching is per Unicode code point.
 */
const LITERAL = 0;
const STAR = 1;
const QMARK = 2;

export interface Pattern {
  readonly chars: readonly string[];
  /** Per position: 0 literal, 1 `*`, 2 `?`. */
  readonly kinds: Uint8Array;
  readonly ignoreCase: boolean;
}

export interface PatternPart {
  readonly text: string;
  /** True for text substituted from a policy variable: its `*` and `?` are plain characters. */
  readonly literal: boolean;
}

export function patternFrom(parts: readonly PatternPart[], ignoreCase: boolean): Pattern {
  const chars: string[] = [];
  const kinds: number[] = [];
  for (const part of parts) {
    for (const ch of ignoreCase ? part.text.toLowerCase() : part.text) {
      chars.push(ch);
      kinds.push(part.literal ? LITERAL : ch === '*' ? STAR : ch === '?' ? QMARK : LITERAL);
    }
  }
  return { chars, kinds: Uint8Array.from(kinds), ignoreCase };
}

export function compileGlob(text: string, ignoreCase = false): Pattern {
  return patternFrom([{ text, literal: false }], ignoreCase);
}

export function hasWildcard(p: Pattern): boolean {
  return p.kinds.some((k) => k !== LITERAL);
}

export function globMatch(p: Pattern, subject: string): boolean {
  return matchChars(p, 0, p.chars.length, Array.from(p.ignoreCase ? subject.toLowerCase() : subject));
}

/** Matches p[from, to) against the whole of `s` (classic greedy-star with single backtrack point). */
function matchChars(p: Pattern, from: number, to: number, s: readonly string[]): boolean {
  let pi = from;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const k = pi < to ? p.kinds[pi] : undefined;
    if (k === QMARK || (k === LITERAL && p.chars[pi] === s[si])) {
      pi++;
      si++;
    } else if (k === STAR) {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < to && p.kinds[pi] === STAR) pi++;
  return pi === to;
}

/**
 * ArnLike/ArnEquals: "each of the six colon-delimited components of the ARN is checked
 * separately", wildcards allowed in each (IAM User Guide, "Condition operators", ARN). The sixth
 * component (resource) keeps any further colons. A pattern with no colon at all (e.g. `*`) is
 * matched against the whole value; one with two to five components matches nothing.
 */
export function arnMatch(p: Pattern, subject: string): boolean {
  const bounds: number[] = [];
  for (let i = 0; i < p.chars.length && bounds.length < 5; i++) {
    if (p.kinds[i] === LITERAL && p.chars[i] === ':') bounds.push(i);
  }
  if (bounds.length === 0) return globMatch(p, subject);
  if (bounds.length < 5) return false;
  const parts = splitArn(p.ignoreCase ? subject.toLowerCase() : subject);
  if (!parts) return false;
  let start = 0;
  for (let c = 0; c < 6; c++) {
    const end = c < 5 ? bounds[c]! : p.chars.length;
    if (!matchChars(p, start, end, Array.from(parts[c]!))) return false;
    start = end + 1;
  }
  return true;
}

function splitArn(s: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let c = 0; c < 5; c++) {
    const i = s.indexOf(':', start);
    if (i < 0) return undefined;
    parts.push(s.slice(start, i));
    start = i + 1;
  }
  parts.push(s.slice(start));
  return parts;
}
