/**
 * Request bodies of the XKS proxy API (spec v1.0.3) → typed operation inputs. Missing or
 * ill-typed input → ValidationException; values the spec allows but Strongroom does not implement
 * (another algorithm, sizes above the spec's minimums: 4300 bytes of plaintext or ciphertext,
 * 8192 bytes of AAD) → UnsupportedOperationException, as the spec's table says. Unknown fields are
 * ignored (KMS adds requestMetadata fields over time; the test client sends kmsKeyArn to metadata).
 */
import type { RequestMetadata } from '../../kms/xks/context.js';
import type { DecryptInput } from '../../kms/xks/ops/decrypt.js';
import type { EncryptInput } from '../../kms/xks/ops/encrypt.js';
import { MAX_CM_BYTES, MAX_XKS_AAD_BYTES, MAX_XKS_PLAINTEXT_BYTES } from '../../kms/xks/ciphertext-metadata.js';
import { UnsupportedOperationException, ValidationException } from '../../kms/xks/errors.js';
import { base64Length, decodeBase64Strict } from '../../lib/base64.js';
import type { XksOperation } from './routes.js';

type Json = Record<string, unknown>;

/** The spec: proxies MUST accept ARNs of up to 2048 characters. */
const MAX_ARN = 2048;
const MAX_METADATA_STRING = 4096;

function own(o: Json, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, name) ? o[name] : undefined;
}

export function parseBody(body: Buffer): Json {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ValidationException('The request body is not valid JSON.');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ValidationException('The request body must be a JSON object.');
  return doc as Json;
}

function optionalString(o: Json, name: string, max: number, where: string): string | undefined {
  const v = own(o, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ValidationException(`${where}${name} must be a string.`);
  if (v.length > max) throw new ValidationException(`${where}${name} is longer than ${max} characters.`);
  return v;
}

function requiredString(o: Json, name: string, max: number, where: string): string {
  const v = optionalString(o, name, max, where);
  if (v === undefined) throw new ValidationException(`${where}${name} is required.`);
  return v;
}

/** requestMetadata fields each operation requires (spec, each operation's "Request Payload Parameters"). */
const REQUIRED: Record<XksOperation, readonly string[]> = {
  GetHealthStatus: [],
  GetKeyMetadata: ['awsPrincipalArn'],
  Encrypt: ['awsPrincipalArn', 'kmsKeyArn'],
  Decrypt: ['awsPrincipalArn', 'kmsKeyArn'],
};

export function decodeRequestMetadata(body: Json, op: XksOperation): RequestMetadata {
  const raw = own(body, 'requestMetadata');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationException('requestMetadata is required.');
  const m = raw as Json;
  const w = 'requestMetadata.';
  const md: RequestMetadata = {
    kmsOperation: requiredString(m, 'kmsOperation', MAX_METADATA_STRING, w),
    kmsRequestId: requiredString(m, 'kmsRequestId', MAX_METADATA_STRING, w),
  };
  for (const [name, max] of [
    ['awsPrincipalArn', MAX_ARN],
    ['kmsKeyArn', MAX_ARN],
    ['awsSourceVpc', MAX_METADATA_STRING],
    ['awsSourceVpce', MAX_METADATA_STRING],
    ['kmsViaService', MAX_METADATA_STRING],
  ] as const) {
    const v = REQUIRED[op].includes(name) ? requiredString(m, name, max, w) : optionalString(m, name, max, w);
    if (v !== undefined) md[name] = v;
  }
  return md;
}

function blob(o: Json, name: string, required: boolean, maxBytes: number, tooBig: 'validation' | 'unsupported'): Buffer | undefined {
  const v = own(o, name);
  if (v === undefined || v === null) {
    if (required) throw new ValidationException(`${name} is required.`);
    return undefined;
  }
  if (typeof v !== 'string') throw new ValidationException(`${name} must be a base64 string.`);
  const over = () =>
    tooBig === 'unsupported'
      ? new UnsupportedOperationException(`${name} is longer than the ${maxBytes} bytes Strongroom supports.`)
      : new ValidationException(`${name} must not be longer than ${maxBytes} bytes.`);
  if (v.length > base64Length(maxBytes)) throw over();
  const bytes = decodeBase64Strict(v);
  if (!bytes) throw new ValidationException(`${name} is not valid base64 (RFC 4648 standard alphabet, padded).`);
  if (bytes.length > maxBytes) throw over();
  return bytes;
}

function algorithm(o: Json, name: string, expected: string, required: boolean): boolean {
  const v = own(o, name);
  if (v === undefined || v === null) {
    if (required) throw new ValidationException(`${name} is required.`);
    return false;
  }
  if (typeof v !== 'string') throw new ValidationException(`${name} must be a string.`);
  if (v !== expected) throw new UnsupportedOperationException(`${name} ${v.slice(0, 64)} is not supported; only ${expected}.`);
  return true;
}

export function decodeEncrypt(body: Json, externalKeyId: string): EncryptInput {
  algorithm(body, 'encryptionAlgorithm', 'AES_GCM', true);
  const withIntegrityValue = algorithm(body, 'ciphertextDataIntegrityValueAlgorithm', 'SHA_256', false);
  const plaintext = blob(body, 'plaintext', true, MAX_XKS_PLAINTEXT_BYTES, 'unsupported')!;
  // pkcs11js cannot pass an empty buffer to the token, and KMS never encrypts nothing.
  if (plaintext.length === 0) throw new ValidationException('plaintext must not be empty.');
  const input: EncryptInput = { externalKeyId, plaintext, withIntegrityValue };
  const aad = blob(body, 'additionalAuthenticatedData', false, MAX_XKS_AAD_BYTES, 'unsupported');
  if (aad) input.additionalAuthenticatedData = aad;
  return input;
}

export function decodeDecrypt(body: Json, externalKeyId: string): DecryptInput {
  algorithm(body, 'encryptionAlgorithm', 'AES_GCM', true);
  const ciphertext = blob(body, 'ciphertext', true, MAX_XKS_PLAINTEXT_BYTES, 'unsupported')!;
  const initializationVector = blob(body, 'initializationVector', true, 16, 'validation')!;
  if (initializationVector.length !== 12 && initializationVector.length !== 16) {
    throw new ValidationException('initializationVector must be 12 or 16 bytes.');
  }
  const authenticationTag = blob(body, 'authenticationTag', true, 16, 'validation')!;
  if (authenticationTag.length !== 16) throw new ValidationException('authenticationTag must be 16 bytes.');
  const input: DecryptInput = { externalKeyId, ciphertext, initializationVector, authenticationTag };
  const cm = blob(body, 'ciphertextMetadata', false, MAX_CM_BYTES, 'validation');
  if (cm) input.ciphertextMetadata = cm;
  const aad = blob(body, 'additionalAuthenticatedData', false, MAX_XKS_AAD_BYTES, 'unsupported');
  if (aad) input.additionalAuthenticatedData = aad;
  return input;
}
