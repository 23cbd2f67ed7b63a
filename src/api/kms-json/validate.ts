/**
 * AWS JSON 1.1 request decoding and model validation for every TrentService operation.
 *
 * `decodeRequest(op, body)` turns the parsed JSON body into the typed `<Op>Request`:
 *   1. Type decoding. The body and every nested structure must be JSON objects; a member of the
 *      wrong JSON type, an integer that is fractional or outside int32, invalid base64 or a
 *      non-numeric timestamp throws SerializationException at once (naming the member by its wire
 *      path, e.g. `Tags[0].TagKey`). Unknown members are ignored and JSON `null` means absent.
 *      Blobs become Buffers, timestamps (epoch seconds, number or numeric string) epoch
 *      milliseconds, maps `Map`s in key order (a `__proto__` key is an ordinary key).
 *   2. Constraint checks (required, length, range, pattern, enum) on the decoded values, collected
 *      across all members in model order (a member's own constraints before its items/members)
 *      and thrown together as one ValidationException in Coral's wording:
 *      `2 validation errors detected: Value 'x' at 'keySpec' failed …; Value null at 'keyId' …`.
 *      Paths are lowerCamelCase with 1-based list indexes (`tags.1.member.tagKey`). Values of
 *      sensitive shapes and of blobs are never echoed ("Value at 'plaintext' failed …").
 *
 * The result is a fresh object with only modelled members; the input is never mutated. Smithy
 * defaults (e.g. BypassPolicyLockoutSafetyCheck=false) are not filled in.
 *
 * The shape tree is compiled into closures once at module load (regexes, Sets, message phrases
 * included); the compiled table is never modified afterwards. Per request it allocates the output
 * values, one violations array, and path strings only for items of structure lists and members of
 * nested structures (top-level paths are precomputed; other paths are built only on failure).
 *
 * Choices where AWS's behaviour is unknown: string length counts Unicode code points (the Smithy
 * definition); map key/value violations use Coral's "Map keys/value must satisfy constraint: […]"
 * form on the map's path; a null list element or map value is a "Member must not be null"
 * violation; a pattern is not evaluated on a string longer than both its maximum length and
 * 4096 characters (the length violation is still reported) so a huge body cannot drive a
 * backtracking pattern.
 */
import { SerializationException, UnknownOperationException, ValidationException } from '../../kms/errors.js';
import type { KmsRequests, OperationName } from '../../kms/model/api-shapes.js';
import { decodeBase64Strict } from '../../lib/base64.js';
import { OPERATIONS, SHAPES } from './model/shapes.js';
import type { Bounds, ShapeDef } from './model/types.js';
import {
  NOT_NULL,
  constraintViolation,
  enumPhrase,
  maxLengthPhrase,
  maxValuePhrase,
  memberPath,
  minLengthPhrase,
  minValuePhrase,
  nullViolation,
  patternPhrase,
  validationMessage,
} from './validation-messages.js';

/**
 * Decodes and validates the parsed JSON body of `op`.
 *
 * @param op  Operation name as in `X-Amz-Target: TrentService.<op>`.
 * @param body  The value `JSON.parse` produced for the request body.
 * @returns A fresh `<Op>Request` object.
 * @throws SerializationException  body not a JSON object, wrong JSON type, bad base64, …
 * @throws ValidationException  one or more model constraints violated (all reported together).
 * @throws UnknownOperationException  `op` is not a TrentService operation (only reachable through
 *   the string overload; check with `isOperationName` first).
 */
export function decodeRequest<Op extends OperationName>(op: Op, body: unknown): KmsRequests[Op];
/** Untyped form for dispatch code that holds the operation name as a plain string. */
export function decodeRequest(op: string, body: unknown): Record<string, unknown>;
export function decodeRequest(op: string, body: unknown): unknown {
  const decode = DECODERS.get(op);
  if (decode === undefined) throw new UnknownOperationException(`Operation ${op} is not supported.`);
  return decode(body);
}

/** True when `name` is a TrentService operation of the model. */
export function isOperationName(name: string): name is OperationName {
  return DECODERS.has(name);
}

// ---------------------------------------------------------------------------------------------
// Compiled nodes

/** Constraint violations of one request, in report order. */
type Violations = string[];

interface Node {
  /**
   * Decodes a non-null JSON value. `path` is the Coral path for violations (`tags.1.member`),
   * `wire` the JSON path for serialization messages (`Tags[0]`).
   */
  decode(v: unknown, path: string, wire: string, out: Violations): unknown;
  /** Renders a decoded value for a message; null when it must not be echoed. */
  readonly show: ((x: unknown) => string) | null;
  /** Set for scalar shapes, so lists and maps can decode items without building paths. */
  readonly scalar?: Scalar;
}

/** Returned by `Scalar.conv` for a value of the wrong JSON type. */
const INVALID: unique symbol = Symbol('invalid');

interface Scalar {
  /** Type conversion of a non-null JSON value, or INVALID. */
  conv(v: unknown): unknown;
  /** The SerializationException for a value `conv` rejected. */
  fail(v: unknown, wire: string): SerializationException;
  /** Violated constraint phrases, or undefined when none (no allocation on success). */
  phrases: ((x: unknown) => readonly string[] | undefined) | null;
}

const REDACTED = '*** Sensitive Data Redacted ***';
/** Longest string a pattern is evaluated on when the string already exceeds its max length. */
const PATTERN_SCAN_LIMIT = 4096;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function serError(wire: string, expected: string, v: unknown): SerializationException {
  return new SerializationException(`Cannot deserialize '${wire}': expected ${expected}, got ${jsonKind(v)}`);
}

function expecting(expected: string): Scalar['fail'] {
  return (v, wire) => serError(wire, expected, v);
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return Number.isInteger(v) ? 'an integer' : 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function showOrRedact(node: Node, x: unknown): string {
  return node.show === null ? REDACTED : node.show(x);
}

/** Unicode code points (a surrogate pair counts once), as Smithy's `length` defines for strings. */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Phrase check for a length/range bound, with the phrases rendered once. */
function boundCheck(
  bounds: Bounds | undefined,
  minPhrase: (n: number) => string,
  maxPhrase: (n: number) => string,
): ((n: number) => readonly string[] | undefined) | null {
  if (bounds === undefined) return null;
  const { min, max } = bounds;
  const lo = min === undefined ? undefined : Object.freeze([minPhrase(min)]);
  const hi = max === undefined ? undefined : Object.freeze([maxPhrase(max)]);
  return (n) => (min !== undefined && n < min ? lo : max !== undefined && n > max ? hi : undefined);
}

function stringScalar(def: Extract<ShapeDef, { type: 'string' }>): Scalar {
  const conv = (v: unknown): unknown => (typeof v === 'string' ? v : INVALID);
  const fail = expecting('a string');
  const length = boundCheck(def.length, minLengthPhrase, maxLengthPhrase);
  const re = def.pattern === undefined ? null : new RegExp(def.pattern);
  if (length === null && re === null) return { conv, fail, phrases: null };
  const patPhrase = def.pattern === undefined ? '' : patternPhrase(def.pattern);
  const min = def.length?.min ?? 0;
  const max = def.length?.max ?? Infinity;
  const phrases = (x: unknown): readonly string[] | undefined => {
    const s = x as string;
    // Code points lie in [ceil(len/2), len]; count exactly only when that range crosses a bound.
    const n = s.length > max || Math.ceil(s.length / 2) < min ? codePointLength(s) : s.length;
    const lengthFailed = length === null ? undefined : length(n);
    const patternFailed = re !== null && (n <= max || s.length <= PATTERN_SCAN_LIMIT) && !re.test(s);
    if (!patternFailed) return lengthFailed;
    return lengthFailed === undefined ? [patPhrase] : [...lengthFailed, patPhrase];
  };
  return { conv, fail, phrases };
}

function enumScalar(def: Extract<ShapeDef, { type: 'enum' }>): Scalar {
  const allowed: ReadonlySet<string> = new Set(def.values);
  const failed = Object.freeze([enumPhrase(def.values)]);
  return {
    conv: (v) => (typeof v === 'string' ? v : INVALID),
    fail: expecting('a string'),
    phrases: (x) => (allowed.has(x as string) ? undefined : failed),
  };
}

function blobScalar(def: Extract<ShapeDef, { type: 'blob' }>): Scalar {
  const length = boundCheck(def.length, minLengthPhrase, maxLengthPhrase);
  return {
    conv: (v) => (typeof v === 'string' ? (decodeBase64Strict(v) ?? INVALID) : INVALID),
    fail: (v, wire) =>
      typeof v === 'string'
        ? new SerializationException(`Cannot deserialize '${wire}': expected base64-encoded binary data`)
        : serError(wire, 'a base64-encoded string', v),
    phrases: length === null ? null : (x) => length((x as Buffer).length),
  };
}

function numberScalar(def: Extract<ShapeDef, { type: 'integer' | 'long' }>): Scalar {
  const range = boundCheck(def.range, minValuePhrase, maxValuePhrase);
  const phrases = range === null ? null : (x: unknown) => range(x as number);
  if (def.type === 'long') {
    return {
      conv: (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : INVALID),
      fail: expecting('a 64-bit integer'),
      phrases,
    };
  }
  return {
    conv: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX ? v : INVALID),
    fail: expecting('a 32-bit integer'),
    phrases,
  };
}

const booleanScalar: Scalar = {
  conv: (v) => (typeof v === 'boolean' ? v : INVALID),
  fail: expecting('a boolean'),
  phrases: null,
};

/** Epoch seconds (JSON number or numeric string, fraction allowed) → epoch milliseconds. */
const timestampScalar: Scalar = {
  conv: (v) => {
    const seconds = typeof v === 'number' ? v : typeof v === 'string' && NUMERIC.test(v) ? Number(v) : NaN;
    const ms = Math.round(seconds * 1000);
    return Number.isFinite(ms) ? ms : INVALID;
  },
  fail: (v, wire) =>
    typeof v === 'number'
      ? new SerializationException(`Cannot deserialize '${wire}': timestamp out of range`)
      : serError(wire, 'a timestamp (epoch seconds as a number or numeric string)', v),
  phrases: null,
};

function scalarNode(scalar: Scalar, show: Node['show']): Node {
  const { conv, fail, phrases } = scalar;
  return {
    show,
    scalar,
    decode(v, path, wire, out) {
      const x = conv(v);
      if (x === INVALID) throw fail(v, wire);
      if (phrases !== null) {
        const failed = phrases(x);
        if (failed !== undefined) {
          const shown = show === null ? null : show(x);
          for (const p of failed) out.push(constraintViolation(path, shown, p));
        }
      }
      return x;
    },
  };
}

function listNode(def: Extract<ShapeDef, { type: 'list' }>, member: Node, sensitive: boolean): Node {
  const length = boundCheck(def.length, minLengthPhrase, maxLengthPhrase);
  const show = sensitive
    ? null
    : (x: unknown) => `[${(x as unknown[]).map((i) => showOrRedact(member, i)).join(', ')}]`;
  const scalar = member.scalar;
  return {
    show,
    decode(v, path, wire, out) {
      if (!Array.isArray(v)) throw serError(wire, 'a list (JSON array)', v);
      const start = out.length;
      const items: unknown[] = [];
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item === null || item === undefined) {
          out.push(nullViolation(`${path}.${i + 1}.member`));
        } else if (scalar !== undefined) {
          // Scalar items: build the item's paths only when something is wrong with it.
          const x = scalar.conv(item);
          if (x === INVALID) throw scalar.fail(item, `${wire}[${i}]`);
          const failed = scalar.phrases?.(x);
          if (failed !== undefined) {
            const shown = member.show === null ? null : member.show(x);
            for (const p of failed) out.push(constraintViolation(`${path}.${i + 1}.member`, shown, p));
          }
          items.push(x);
        } else {
          items.push(member.decode(item, `${path}.${i + 1}.member`, `${wire}[${i}]`, out));
        }
      }
      const failed = length?.(v.length);
      if (failed !== undefined) {
        // The list's own violation is reported before its items'.
        const shown = show === null ? null : show(items);
        out.splice(start, 0, ...failed.map((p) => constraintViolation(path, shown, p)));
      }
      return items;
    },
  };
}

function mapNode(def: Extract<ShapeDef, { type: 'map' }>, keyNode: Node, valueNode: Node, sensitive: boolean): Node {
  const length = boundCheck(def.length, minLengthPhrase, maxLengthPhrase);
  const show = sensitive
    ? null
    : (x: unknown) => {
        const parts: string[] = [];
        for (const [k, val] of x as Map<string, unknown>) {
          parts.push(`${showOrRedact(keyNode, k)}=${val === null ? 'null' : showOrRedact(valueNode, val)}`);
        }
        return `{${parts.join(', ')}}`;
      };
  const keyScalar = keyNode.scalar;
  const valueScalar = valueNode.scalar;
  if (keyScalar === undefined) throw new Error('kms model: map keys must be strings');
  const entryWire = (wire: string, k: string) => `${wire}[${JSON.stringify(k)}]`;
  return {
    show,
    decode(v, path, wire, out) {
      if (!isJsonObject(v)) throw serError(wire, 'a map (JSON object)', v);
      const map = new Map<string, unknown>();
      let keyFailures: Set<string> | undefined;
      let valueFailures: Set<string> | undefined;
      let nested: Violations | undefined;
      // Object.keys lists own keys in JSON order, including an own "__proto__" key from JSON.parse,
      // and v[k] reads that own data property (it shadows Object.prototype's __proto__ accessor).
      for (const k of Object.keys(v)) {
        const key = keyScalar.conv(k);
        if (key === INVALID) throw keyScalar.fail(k, entryWire(wire, k));
        const kp = keyScalar.phrases?.(key);
        if (kp !== undefined) for (const p of kp) (keyFailures ??= new Set()).add(p);
        const raw = v[k];
        if (raw === null || raw === undefined) {
          (valueFailures ??= new Set()).add(NOT_NULL);
          map.set(k, null);
        } else if (valueScalar !== undefined) {
          const val = valueScalar.conv(raw);
          if (val === INVALID) throw valueScalar.fail(raw, entryWire(wire, k));
          const vp = valueScalar.phrases?.(val);
          if (vp !== undefined) for (const p of vp) (valueFailures ??= new Set()).add(p);
          map.set(k, val);
        } else {
          map.set(k, valueNode.decode(raw, `${path}.${k}`, entryWire(wire, k), (nested ??= [])));
        }
      }
      const failed = length?.(map.size);
      if (failed !== undefined || keyFailures !== undefined || valueFailures !== undefined) {
        const shown = show === null ? null : show(map);
        if (failed !== undefined) for (const p of failed) out.push(constraintViolation(path, shown, p));
        if (keyFailures !== undefined) {
          const phrase = `Map keys must satisfy constraint: [${[...keyFailures].join(', ')}]`;
          out.push(constraintViolation(path, shown, phrase));
        }
        if (valueFailures !== undefined) {
          const phrase = `Map value must satisfy constraint: [${[...valueFailures].join(', ')}]`;
          out.push(constraintViolation(path, shown, phrase));
        }
      }
      if (nested !== undefined) out.push(...nested);
      return map;
    },
  };
}

interface CompiledMember {
  readonly name: string;
  readonly camel: string;
  readonly required: boolean;
  readonly node: Node;
}

function structureNode(members: readonly CompiledMember[], sensitive: boolean): Node {
  const show = sensitive
    ? null
    : (x: unknown) => {
        const o = x as Record<string, unknown>;
        const parts: string[] = [];
        for (const m of members) if (o[m.name] !== undefined) parts.push(`${m.name}=${showOrRedact(m.node, o[m.name])}`);
        return `{${parts.join(', ')}}`;
      };
  return {
    show,
    decode(v, path, wire, out) {
      if (!isJsonObject(v)) throw serError(wire, 'a structure (JSON object)', v);
      const result: Record<string, unknown> = {};
      for (const m of members) {
        // Own properties only: a polluted Object.prototype must not supply members.
        const raw = Object.hasOwn(v, m.name) ? v[m.name] : undefined;
        if (raw === null || raw === undefined) {
          if (m.required) out.push(nullViolation(path === '' ? m.camel : `${path}.${m.camel}`));
          continue;
        }
        result[m.name] = m.node.decode(
          raw,
          path === '' ? m.camel : `${path}.${m.camel}`,
          wire === '' ? m.name : `${wire}.${m.name}`,
          out,
        );
      }
      return result;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Compilation (once, at module load)

type RequestDecoder = (body: unknown) => Record<string, unknown>;

function compile(): ReadonlyMap<string, RequestDecoder> {
  const memo = new Map<string, Node>();

  function node(name: string, inheritedSensitive: boolean): Node {
    const def = SHAPES[name];
    if (def === undefined) throw new Error(`kms model: unknown shape ${name}`);
    const sensitive = inheritedSensitive || def.sensitive === true;
    const key = sensitive ? `${name}!` : name;
    let n = memo.get(key);
    if (n === undefined) {
      n = build(def, sensitive);
      memo.set(key, n);
    }
    return n;
  }

  function build(def: ShapeDef, sensitive: boolean): Node {
    const text = sensitive ? null : (x: unknown) => String(x);
    switch (def.type) {
      case 'string':
        return scalarNode(stringScalar(def), text);
      case 'enum':
        return scalarNode(enumScalar(def), text);
      case 'blob':
        return scalarNode(blobScalar(def), null); // never echo binary data
      case 'integer':
      case 'long':
        return scalarNode(numberScalar(def), text);
      case 'boolean':
        return scalarNode(booleanScalar, text);
      case 'timestamp':
        return scalarNode(timestampScalar, sensitive ? null : (x) => String((x as number) / 1000));
      case 'list':
        return listNode(def, node(def.member, sensitive), sensitive);
      case 'map':
        return mapNode(def, node(def.key, sensitive), node(def.value, sensitive), sensitive);
      case 'structure':
        return structureNode(
          Object.entries(def.members).map(([name, m]) => ({
            name,
            camel: memberPath(name),
            required: m.required === true,
            node: node(m.target, sensitive),
          })),
          sensitive,
        );
    }
  }

  const decoders = new Map<string, RequestDecoder>();
  for (const [op, def] of Object.entries(OPERATIONS)) {
    const input = def.input === null ? null : node(def.input, false);
    decoders.set(op, (body) => {
      if (!isJsonObject(body)) {
        throw new SerializationException(`Request body must be a JSON object, got ${jsonKind(body)}`);
      }
      if (input === null) return {};
      const violations: Violations = [];
      const out = input.decode(body, '', '', violations) as Record<string, unknown>;
      if (violations.length > 0) throw new ValidationException(validationMessage(violations));
      return out;
    });
  }
  return decoders;
}

/** Operation name → request decoder. Built once; never modified after module load. */
const DECODERS = compile();
