/**
 * requestParameters and responseElements as CloudTrail logs KMS calls (reference §6): the
 * modelled members in lowerCamelCase, walked through the generated Smithy shape table, minus
 * everything secret or cryptographic. A member is dropped when its shape is a blob (plaintext,
 * ciphertext, signatures, MACs, public keys, import tokens, attestation documents), when the
 * model marks it `sensitive`, or when it is on the explicit deny-list below — so a shape added to
 * the model later cannot leak by default. Encryption contexts go through `ec`, which renders them
 * in clear (as AWS does) or as HMACs. Timestamps are rendered as CloudTrail renders KMS dates.
 */
import { OPERATIONS, SHAPES } from '../api/kms-json/model/shapes.js';
import type { Json } from './canonical.js';
import { cloudTrailDate } from './event.js';

/** Members never logged whatever their shape (CloudTrail omits them; reference §6 "Deliberately omitted"). */
export const DENIED_MEMBERS: ReadonlySet<string> = new Set([
  'Plaintext',
  'CiphertextBlob',
  'SourceCiphertextBlob',
  'Message',
  'Signature',
  'Mac',
  'PublicKey',
  'PrivateKeyPlaintext',
  'PrivateKeyCiphertextBlob',
  'CiphertextForRecipient',
  'SharedSecret',
  'EncryptedKeyMaterial',
  'ImportToken',
  'KeyStorePassword',
  'XksProxyAuthenticationCredential',
  // Grant tokens authorise use of a key (CloudTrail does not log CreateGrant's token either).
  'GrantToken',
  'GrantTokens',
  'Recipient',
]);

/** The response members CloudTrail logs per operation; every other response logs null. */
const RESPONSE_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  CreateKey: ['KeyMetadata'],
  ScheduleKeyDeletion: ['KeyId', 'KeyState', 'DeletionDate', 'PendingWindowInDays'],
  CancelKeyDeletion: ['KeyId'],
  CreateGrant: ['GrantId'],
  ImportKeyMaterial: ['KeyId'],
  ReplicateKey: ['ReplicaKeyMetadata'],
  CreateCustomKeyStore: ['CustomKeyStoreId'],
  RotateKeyOnDemand: ['KeyId'],
};

export type EcRenderer = (ec: Map<string, string>) => Json;

export const clearEncryptionContext: EcRenderer = (ec) => {
  const out: Record<string, Json> = {};
  // defineProperty: a "__proto__" context key stays an ordinary own member (DESIGN pitfall).
  for (const [k, v] of ec) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
};

const ENCRYPTION_CONTEXT_SHAPE = 'EncryptionContextType';

type Units = 'ms' | 's';

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function walk(shapeName: string, value: unknown, units: Units, ec: EcRenderer, only?: readonly string[]): Json | undefined {
  const shape = SHAPES[shapeName];
  if (!shape || shape.sensitive || value === undefined || value === null) return undefined;
  switch (shape.type) {
    case 'blob':
      return undefined;
    case 'structure': {
      if (typeof value !== 'object') return undefined;
      const out: Record<string, Json> = {};
      for (const [member, def] of Object.entries(shape.members)) {
        if (DENIED_MEMBERS.has(member) || (only && !only.includes(member))) continue;
        const v = (value as Record<string, unknown>)[member];
        if (v === undefined || v === null) continue;
        const rendered = def.target === ENCRYPTION_CONTEXT_SHAPE && v instanceof Map ? ec(v as Map<string, string>) : walk(def.target, v, units, ec);
        if (rendered !== undefined) out[lowerCamel(member)] = rendered;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => walk(shape.member, v, units, ec) ?? null) : undefined;
    case 'map': {
      const out: Record<string, Json> = {};
      const entries = value instanceof Map ? [...value] : Object.entries(value as object);
      for (const [k, v] of entries) {
        const rendered = walk(shape.value, v, units, ec);
        if (rendered !== undefined) Object.defineProperty(out, String(k), { value: rendered, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'timestamp':
      return typeof value === 'number' ? cloudTrailDate(units === 'ms' ? value : value * 1000) : undefined;
    case 'integer':
    case 'long':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'string':
    case 'enum':
      return typeof value === 'string' ? value : undefined;
  }
}

function nonEmpty(v: Json | undefined): Json | null {
  return v !== undefined && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0 ? v : null;
}

/** requestParameters of a decoded `<op>Request` (timestamps in epoch ms, maps as Map); null when empty. */
export function requestParameters(op: string, input: unknown, ec: EcRenderer = clearEncryptionContext): Json | null {
  const def = OPERATIONS[op as keyof typeof OPERATIONS];
  if (!def?.input) return null;
  return nonEmpty(walk(def.input, input, 'ms', ec));
}

/** responseElements of an `<op>Response` (timestamps in epoch seconds), only for the operations CloudTrail logs them for. */
export function responseElements(op: string, output: unknown, ec: EcRenderer = clearEncryptionContext): Json | null {
  const def = OPERATIONS[op as keyof typeof OPERATIONS];
  const only = RESPONSE_MEMBERS[op];
  if (!def?.output || !only) return null;
  return nonEmpty(walk(def.output, output, 's', ec, only));
}

/** Every encryption context in a decoded request, so HMAC mode can compute values before rendering. */
export function encryptionContextsOf(op: string, input: unknown): Map<string, string>[] {
  const found: Map<string, string>[] = [];
  const def = OPERATIONS[op as keyof typeof OPERATIONS];
  if (def?.input) {
    walk(def.input, input, 'ms', (m) => {
      found.push(m);
      return null;
    });
  }
  return found;
}
