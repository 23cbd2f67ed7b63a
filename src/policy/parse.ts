/**
 * `parsePolicy`: validates the IAM policy grammar (reference §5.10 "Document format", §4.3
 * MalformedPolicyDocumentException) and returns the compiled form that `evaluate.ts` uses.
 * Size limits are the caller's (LimitExceededException, not a syntax error).
 */
import { PolicySyntaxError } from './errors.js';
import { type JsonObject, type JsonValue, parseJsonStrict } from './json.js';
import { parseCondition } from './parse-condition.js';
import { parsePrincipal } from './principal.js';
import type { Policy, PolicyKind, ResourcePattern, Statement } from './types.js';
import { hasVariables } from './variables.js';
import { compileGlob, type Pattern } from './wildcard.js';

export interface ParseOptions {
  /** Partition for bare account-id principals (`"AWS": "111122223333"`); default `aws`. */
  readonly partition?: string;
}

const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);
const ACTION = /^(?:\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;
const DISALLOWED_CHAR = /[^\t\n\r\u0020-\u00ff]/;

function fail(message: string): never {
  throw new PolicySyntaxError(message);
}

/** Key policies allow only TAB, LF, CR and U+0020–U+00FF (reference §4.1, §5.10). */
export function checkPolicyCharacters(text: string): void {
  const m = DISALLOWED_CHAR.exec(text);
  if (m) {
    const code = m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    fail(`Policy contains a character that is not allowed (U+${code} at position ${m.index}).`);
  }
}

function stringList(v: JsonValue | undefined, element: string): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) fail(`The ${element} element must not be empty.`);
  return list.map((s) => (typeof s === 'string' && s.length > 0 ? s : fail(`The ${element} element must contain non-empty strings.`)));
}

function actions(v: JsonValue | undefined, element: string): Pattern[] {
  return stringList(v, element).map((a) =>
    ACTION.test(a) ? compileGlob(a, true) : fail(`Policy contains an invalid action: "${a}".`),
  );
}

function resources(v: JsonValue | undefined, element: string, variables: boolean): ResourcePattern[] {
  return stringList(v, element).map((raw) => {
    if (raw !== '*' && !raw.startsWith('arn:')) fail(`Resource "${raw}" must be in ARN format or "*".`);
    return variables && hasVariables(raw) ? { raw } : { raw, compiled: compileGlob(raw) };
  });
}

function exclusive(s: JsonObject, a: string, b: string): void {
  if (s.has(a) && s.has(b)) fail(`A statement cannot contain both ${a} and ${b}.`);
}

function parseStatement(s: JsonValue, kind: PolicyKind, variables: boolean, partition: string): Statement {
  if (!(s instanceof Map)) fail('Each statement must be a JSON object.');
  for (const k of s.keys()) if (!STATEMENT_ELEMENTS.has(k)) fail(`Policy statement contains an unsupported element: ${k}.`);
  const sid = s.get('Sid');
  if (sid !== undefined && typeof sid !== 'string') fail('The Sid element must be a string.');
  const effect = s.get('Effect');
  if (effect !== 'Allow' && effect !== 'Deny') fail('The Effect element must be "Allow" or "Deny".');
  exclusive(s, 'Principal', 'NotPrincipal');
  exclusive(s, 'Action', 'NotAction');
  exclusive(s, 'Resource', 'NotResource');
  const hasPrincipal = s.has('Principal') || s.has('NotPrincipal');
  if (kind === 'identity' && hasPrincipal) fail('Policy document should not specify a principal.');
  if (kind === 'key' && !hasPrincipal) fail('A key policy statement must contain a Principal element.');
  if (s.has('NotPrincipal') && effect === 'Allow') fail('NotPrincipal can only be used with "Effect": "Deny".');
  if (kind === 'identity' && !(s.has('Action') || s.has('NotAction'))) fail('Each statement must contain an Action or NotAction element.');
  if (kind === 'identity' && !(s.has('Resource') || s.has('NotResource'))) fail('Each statement must contain a Resource or NotResource element.');
  const opt = <T>(name: string, f: (v: JsonValue) => T): T | undefined => {
    const v = s.get(name);
    return v === undefined ? undefined : f(v);
  };
  return {
    ...(sid !== undefined ? { sid } : {}),
    effect,
    ...opt('Principal', (v) => ({ principal: parsePrincipal(v, partition) })),
    ...opt('NotPrincipal', (v) => ({ notPrincipal: parsePrincipal(v, partition) })),
    ...opt('Action', (v) => ({ action: actions(v, 'Action') })),
    ...opt('NotAction', (v) => ({ notAction: actions(v, 'NotAction') })),
    ...opt('Resource', (v) => ({ resource: resources(v, 'Resource', variables) })),
    ...opt('NotResource', (v) => ({ notResource: resources(v, 'NotResource', variables) })),
    conditions: opt('Condition', (v) => parseCondition(v, variables)) ?? [],
  };
}

/**
 * @throws PolicySyntaxError with a message for MalformedPolicyDocumentException.
 */
export function parsePolicy(text: string, kind: PolicyKind, options: ParseOptions = {}): Policy {
  checkPolicyCharacters(text);
  const doc = parseJsonStrict(text);
  if (!(doc instanceof Map)) fail('The policy document must be a JSON object.');
  for (const k of doc.keys()) if (!TOP_LEVEL.has(k)) fail(`Policy document contains an unsupported element: ${k}.`);
  const version = doc.get('Version') ?? '2008-10-17';
  if (typeof version !== 'string' || !VERSIONS.has(version)) {
    fail('The policy Version must be "2012-10-17" or "2008-10-17".');
  }
  const id = doc.get('Id');
  if (id !== undefined && typeof id !== 'string') fail('The Id element must be a string.');
  const raw = doc.get('Statement');
  if (raw === undefined) fail("The policy document must contain a 'Statement' element.");
  if (!(raw instanceof Map) && !Array.isArray(raw)) fail('The Statement element must be an object or an array of objects.');
  const variables = version === '2012-10-17';
  const partition = options.partition ?? 'aws';
  const statements = (Array.isArray(raw) ? raw : [raw]).map((s) => parseStatement(s, kind, variables, partition));
  const sids = new Set<string>();
  for (const { sid } of statements) {
    if (sid === undefined || sid === '') continue;
    if (sids.has(sid)) fail(`Statement IDs (SID) in a single policy must be unique: "${sid}".`);
    sids.add(sid);
  }
  return { kind, version: version as Policy['version'], ...(id !== undefined ? { id } : {}), statements };
}
