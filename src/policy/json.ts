/**
 * A strict JSON reader for policy documents. `JSON.parse` keeps the last of two duplicate keys,
 * so `{"StringEquals": {...A}, "StringEquals": {...B}}` would silently drop condition A and make
 * the statement broader than its author wrote; here duplicates are an error. Objects come back
 * as `Map`s, so keys such as `__proto__` are plain data. Numbers keep their source text, so a
 * condition value like `012345678901` or a 20-digit number is compared as written.
 */
import { PolicySyntaxError } from './errors.js';

export class JsonNumber {
  constructor(
    readonly value: number,
    readonly raw: string,
  ) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

const MAX_DEPTH = 32;
const WS = /[ \t\n\r]*/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

export function parseJsonStrict(text: string): JsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new PolicySyntaxError(`Syntax errors in policy: ${what} at position ${pos}.`);
  };
  const skip = (): void => {
    WS.lastIndex = pos;
    WS.exec(text);
    pos = WS.lastIndex;
  };
  const take = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    pos = re.lastIndex;
    return m[0];
  };
  const value = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    skip();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: JsonObject = new Map();
      skip();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        skip();
        const k = take(STRING);
        if (k === undefined) fail('expected a string key');
        const key = JSON.parse(k!) as string;
        if (obj.has(key)) throw new PolicySyntaxError(`Policy document contains the duplicate key "${key}".`);
        skip();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        obj.set(key, value(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] === '}') {
          pos++;
          return obj;
        } else fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const arr: JsonValue[] = [];
      skip();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        skip();
        if (text[pos] === ',') pos++;
        else if (text[pos] === ']') {
          pos++;
          return arr;
        } else fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      const s = take(STRING);
      if (s === undefined) fail('invalid string');
      return JSON.parse(s!) as string;
    }
    const n = take(NUMBER);
    if (n !== undefined) return new JsonNumber(Number(n), n);
    const lit = take(LITERAL);
    if (lit !== undefined) return lit === 'null' ? null : lit === 'true';
    return fail('unexpected character');
  };
  const result = value(0);
  skip();
  if (pos !== text.length) fail('unexpected trailing characters');
  return result;
}
