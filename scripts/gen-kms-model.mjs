#!/usr/bin/env node
// Dev-time generator: reads AWS's KMS Smithy JSON AST model and writes the committed files
//   src/api/kms-json/model/shapes.ts   shape table + operation table the request validator compiles
//   src/kms/model/api-shapes.ts        <Op>Request / <Op>Response interfaces and enum value arrays
// Nothing at run or test time reads the model; re-run this when AWS publishes a new one:
//   node scripts/gen-kms-model.mjs path/to/kms-smithy-model.json
// Plain Node ESM, no dependencies. Output is deterministic (same model → same bytes).

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NS = 'com.amazonaws.kms#';
const SERVICE = `${NS}TrentService`;
const UNIT = 'smithy.api#Unit';
const T = {
  required: 'smithy.api#required',
  length: 'smithy.api#length',
  range: 'smithy.api#range',
  pattern: 'smithy.api#pattern',
  sensitive: 'smithy.api#sensitive',
  enumValue: 'smithy.api#enumValue',
  deprecated: 'smithy.api#deprecated',
};
const SIMPLE = new Set(['string', 'blob', 'integer', 'long', 'boolean', 'timestamp']);

const modelPath = process.argv[2];
if (!modelPath) {
  console.error('usage: node scripts/gen-kms-model.mjs <path-to-kms-smithy-model.json>');
  process.exit(2);
}
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const raw = readFileSync(modelPath);
const sha256 = createHash('sha256').update(raw).digest('hex');
const model = JSON.parse(raw.toString('utf8'));
const shapes = model.shapes;

function fail(msg) {
  throw new Error(`gen-kms-model: ${msg}`);
}
function local(id) {
  if (!id.startsWith(NS)) fail(`unsupported shape reference ${id}`);
  return id.slice(NS.length);
}
function shape(id) {
  const s = shapes[id];
  if (!s) fail(`missing shape ${id}`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Operations

const service = shape(SERVICE);
const opIds = service.operations.map((o) => o.target).sort((a, b) => (local(a) < local(b) ? -1 : 1));
const operations = opIds.map((id) => {
  const op = shape(id);
  if (op.type !== 'operation') fail(`${id} is not an operation`);
  const name = local(id);
  const input = op.input && op.input.target !== UNIT ? local(op.input.target) : null;
  const output = op.output && op.output.target !== UNIT ? local(op.output.target) : null;
  const errors = (op.errors ?? []).map((e) => local(e.target)).sort();
  return { name, input, output, errors };
});

// ---------------------------------------------------------------------------------------------
// Shape table: every shape reachable from an operation input or output.

const PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

function constraintOf(traits, name) {
  const v = traits?.[name];
  if (v === undefined) return undefined;
  const out = {};
  if (typeof v.min === 'number') out.min = v.min;
  if (typeof v.max === 'number') out.max = v.max;
  return out;
}

const table = new Map(); // local name → compact def
const visiting = new Set();

function addShape(id) {
  const name = local(id);
  if (table.has(name)) return name;
  if (visiting.has(name)) fail(`recursive shape ${name} is not supported by the validator`);
  visiting.add(name);
  const s = shape(id);
  const tr = s.traits ?? {};
  const def = { type: s.type };
  if (s.type === 'enum') {
    def.values = Object.entries(s.members).map(([m, v]) => v.traits?.[T.enumValue] ?? m);
  } else if (s.type === 'intEnum') {
    fail(`intEnum ${name} not supported`);
  } else if (SIMPLE.has(s.type)) {
    // nothing structural
  } else if (s.type === 'list') {
    def.member = addShape(s.member.target);
    if (s.member.traits && Object.keys(s.member.traits).some((k) => k !== 'smithy.api#documentation'))
      fail(`list ${name}: member traits not supported`);
  } else if (s.type === 'map') {
    def.key = addShape(s.key.target);
    def.value = addShape(s.value.target);
    if (table.get(def.key)?.type !== 'string' && table.get(def.key)?.type !== 'enum') fail(`map ${name}: key must be a string`);
  } else if (s.type === 'structure') {
    def.members = {};
    for (const [mName, m] of Object.entries(s.members ?? {})) {
      if (PROTO_NAMES.has(mName)) fail(`member ${name}.${mName} collides with Object.prototype`);
      const mt = m.traits ?? {};
      const memberDef = { target: addShape(m.target) };
      if (mt[T.required] !== undefined) memberDef.required = true;
      for (const k of [T.length, T.range, T.pattern])
        if (mt[k] !== undefined) fail(`member-level ${k} on ${name}.${mName} not supported`);
      if (mt[T.deprecated] !== undefined) memberDef.deprecated = mt[T.deprecated].message ?? true;
      def.members[mName] = memberDef;
    }
  } else {
    fail(`shape ${name}: unsupported type ${s.type}`);
  }
  const length = constraintOf(tr, T.length);
  if (length) {
    if (!['string', 'blob', 'list', 'map'].includes(s.type)) fail(`length on ${s.type} ${name}`);
    def.length = length;
  }
  const range = constraintOf(tr, T.range);
  if (range) {
    if (!['integer', 'long'].includes(s.type)) fail(`range on ${s.type} ${name}`);
    def.range = range;
  }
  if (tr[T.pattern] !== undefined) {
    if (s.type !== 'string') fail(`pattern on ${s.type} ${name}`);
    new RegExp(tr[T.pattern]); // must compile as ECMAScript
    def.pattern = tr[T.pattern];
  }
  if (tr[T.sensitive] !== undefined) def.sensitive = true;
  visiting.delete(name);
  table.set(name, def);
  return name;
}

const requestRoots = new Set();
const responseRoots = new Set();
for (const op of operations) {
  if (op.input) {
    addShape(NS + op.input);
    requestRoots.add(op.input);
  }
  if (op.output) {
    addShape(NS + op.output);
    responseRoots.add(op.output);
  }
}
for (const id of Object.keys(shapes)) if (shapes[id].type === 'enum' && id.startsWith(NS)) addShape(id);

const sortedNames = [...table.keys()].sort();

function children(def) {
  if (def.type === 'list') return [def.member];
  if (def.type === 'map') return [def.key, def.value];
  if (def.type === 'structure') return Object.values(def.members).map((m) => m.target);
  return [];
}
function reach(roots) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length) {
    const n = stack.pop();
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...children(table.get(n)));
  }
  return seen;
}
const inRequests = reach(requestRoots);
const inResponses = reach(responseRoots);

// ---------------------------------------------------------------------------------------------
// src/api/kms-json/model/shapes.ts

const header = (what) =>
  `// GENERATED by scripts/gen-kms-model.mjs from the AWS KMS Smithy model (API 2014-11-01),\n` +
  `// model sha256 ${sha256}.\n` +
  `// Do not edit; re-run the generator instead.\n` +
  (what ? `//\n${what}` : '');

function shapesTs() {
  const lines = [];
  lines.push(
    header(
      '// Every shape reachable from a TrentService operation input or output, keyed by its local\n' +
        '// name (no `com.amazonaws.kms#`), plus all enums. Structure members keep model order.\n',
    ),
  );
  lines.push(`import type { OperationName } from '../../../kms/model/api-shapes.js';`);
  lines.push(`import type { OperationDef, ShapeDef } from './types.js';`);
  lines.push('');
  lines.push(`export const MODEL_SHA256 = '${sha256}';`);
  lines.push('');
  lines.push('export const SHAPES: Readonly<Record<string, ShapeDef>> = {');
  for (const n of sortedNames) {
    const { members, ...rest } = table.get(n);
    if (members) {
      // one member per line keeps diffs of the generated file readable
      const head = Object.entries(rest).map(([k, v]) => `${k}: ${lit(v)}, `).join('');
      const ms = Object.entries(members);
      lines.push(`  ${n}: {`);
      if (ms.length === 0) lines.push(`    ${head}members: {},`);
      else {
        lines.push(`    ${head}members: {`);
        for (const [m, { deprecated, ...keep }] of ms) lines.push(`      ${m}: ${lit(keep)},`);
        lines.push('    },');
      }
      lines.push('  },');
    } else {
      lines.push(`  ${n}: ${lit(rest)},`);
    }
  }
  lines.push('};');
  lines.push('');
  lines.push('export const OPERATIONS: Readonly<Record<OperationName, OperationDef>> = {');
  for (const op of operations) {
    const { name, ...rest } = op;
    lines.push(`  ${name}: ${lit(rest)},`);
  }
  lines.push('};');
  lines.push('');
  return lines.join('\n');
}

/** Compact JS literal: single-quoted strings, unquoted identifier keys. */
function lit(v) {
  if (v === null) return 'null';
  if (typeof v === 'string') {
    const body = JSON.stringify(v).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
    return `'${body}'`;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  const entries = Object.entries(v).map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : lit(k)}: ${lit(x)}`);
  return entries.length ? `{ ${entries.join(', ')} }` : '{}';
}

// ---------------------------------------------------------------------------------------------
// src/kms/model/api-shapes.ts

function differsByDirection(n, seen = new Set()) {
  if (seen.has(n)) return false;
  seen.add(n);
  const def = table.get(n);
  if (def.type === 'map' || def.type === 'timestamp') return true; // Map vs Record; ms vs s
  return children(def).some((c) => differsByDirection(c, seen));
}

/** Interface name for a nested structure in a given direction. */
function structName(n, dir) {
  if (dir === 'req' && inResponses.has(n) && !requestRoots.has(n) && differsByDirection(n)) return `${n}Input`;
  return n;
}

function tsType(n, dir) {
  const def = table.get(n);
  switch (def.type) {
    case 'string':
      return 'string';
    case 'enum':
      return n;
    case 'blob':
      return 'Buffer';
    case 'integer':
    case 'long':
    case 'timestamp':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'list': {
      const inner = tsType(def.member, dir);
      return /[ |]/.test(inner) ? `Array<${inner}>` : `${inner}[]`;
    }
    case 'map':
      return dir === 'req'
        ? `Map<${tsType(def.key, dir)}, ${tsType(def.value, dir)}>`
        : `Record<${tsType(def.key, dir)}, ${tsType(def.value, dir)}>`;
    case 'structure':
      return structName(n, dir);
    default:
      fail(`no TS type for ${def.type}`);
  }
}

function iface(name, structShape, dir, out) {
  const def = table.get(structShape);
  const members = Object.entries(def.members);
  if (members.length === 0) {
    out.push(`export type ${name} = Record<string, never>;`, '');
    return;
  }
  out.push(`export interface ${name} {`);
  for (const [m, md] of members) {
    const target = table.get(md.target);
    const notes = [];
    if (md.deprecated) notes.push(`@deprecated${typeof md.deprecated === 'string' ? ' ' + md.deprecated : ''}`);
    if (target.sensitive) notes.push('Sensitive (smithy.api#sensitive): never log.');
    if (target.type === 'timestamp')
      notes.push(dir === 'req' ? 'Epoch milliseconds (decoded).' : 'Epoch seconds, as sent on the wire.');
    if (notes.length === 1) out.push(`  /** ${notes[0]} */`);
    else if (notes.length > 1) out.push('  /**', ...notes.map((x) => `   * ${x}`), '   */');
    out.push(`  ${m}${md.required ? '' : '?'}: ${tsType(md.target, dir)};`);
  }
  out.push('}', '');
}

function apiShapesTs() {
  const out = [];
  out.push(
    header(
      [
        '// Wire-level request/response types for every TrentService operation, named `<Op>Request` and',
        '// `<Op>Response`, members spelled exactly as the model (PascalCase). A member is optional unless',
        '// the model marks it required (defaults such as BypassPolicyLockoutSafetyCheck=false are NOT',
        '// filled in by the decoder).',
        '//',
        '// Value conventions:',
        '// * blob      → Buffer (requests: decoded from strict base64; responses: encoded to base64).',
        '// * timestamp → number. REQUESTS: epoch MILLISECONDS (the decoder converts the wire\'s epoch',
        '//               seconds). RESPONSES: epoch SECONDS (fraction allowed), exactly as the wire wants.',
        '// * enum      → string-literal union; `<Enum>Values` holds the values in model order.',
        '// * map       → Map<string, string> in requests (a `__proto__` key is just a key), plain',
        '//               Record<string, string> in responses.',
        '// * list      → array; integer/long → number; boolean → boolean.',
        '// * Nested structures whose request and response forms differ (they contain a map or a',
        '//   timestamp) get a request-side `<Name>Input` interface; otherwise one interface serves both.',
        '// * Operations without output have `<Op>Response = Record<string, never>`.',
        '',
      ].join('\n'),
    ),
  );

  out.push('// ---- Operations', '');
  out.push(`export const OperationNames = [`);
  for (const op of operations) out.push(`  '${op.name}',`);
  out.push('] as const;', '');
  out.push('export type OperationName = (typeof OperationNames)[number];', '');

  out.push('export interface KmsRequests {');
  for (const op of operations) out.push(`  ${op.name}: ${op.name}Request;`);
  out.push('}', '');
  out.push('export interface KmsResponses {');
  for (const op of operations) out.push(`  ${op.name}: ${op.name}Response;`);
  out.push('}', '');

  const emittedStructs = new Set();
  out.push('// ---- Requests', '');
  for (const op of operations) {
    const name = `${op.name}Request`;
    if (!op.input) out.push(`export type ${name} = Record<string, never>;`, '');
    else if (op.input === name) {
      iface(name, op.input, 'req', out);
      emittedStructs.add(`req:${name}`);
    } else fail(`input of ${op.name} is ${op.input}`);
  }
  out.push('// ---- Responses', '');
  const aliases = [];
  for (const op of operations) {
    const name = `${op.name}Response`;
    if (!op.output) out.push(`export type ${name} = Record<string, never>;`, '');
    else if (op.output === name) iface(name, op.output, 'res', out);
    else aliases.push(`export type ${name} = ${op.output};`);
  }
  if (aliases.length) out.push(...aliases, '');

  out.push('// ---- Nested structures', '');
  const nested = sortedNames.filter(
    (n) => table.get(n).type === 'structure' && !requestRoots.has(n) && !responseRoots.has(n),
  );
  for (const n of nested) {
    const forReq = inRequests.has(n);
    const forRes = inResponses.has(n);
    if (forRes) iface(n, n, 'res', out);
    if (forReq && (!forRes || structName(n, 'req') !== n)) iface(structName(n, 'req'), n, 'req', out);
  }
  // Response roots referenced under another operation's name (ListRetirableGrants → ListGrantsResponse)
  // are already emitted as that operation's response.

  out.push('// ---- Enums', '');
  for (const n of sortedNames) {
    const def = table.get(n);
    if (def.type !== 'enum') continue;
    out.push(`export const ${n}Values = [`);
    for (const v of def.values) out.push(`  '${v}',`);
    out.push('] as const;');
    out.push(`export type ${n} = (typeof ${n}Values)[number];`, '');
  }
  return out.join('\n').replace(/\n+$/, '\n');
}

// ---------------------------------------------------------------------------------------------

function write(rel, text) {
  const p = join(repoRoot, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text);
  console.log(`wrote ${rel} (${text.length} bytes)`);
}

write('src/api/kms-json/model/shapes.ts', shapesTs());
write('src/kms/model/api-shapes.ts', apiShapesTs());
console.log(`${operations.length} operations, ${table.size} shapes, model sha256 ${sha256}`);
