/**
 * The ImportToken of GetParametersForImport: the KMS key, the wrapping key, the algorithm and the
 * validity, sealed (AES-GCM) under the token-resident service key, so it is opaque and cannot be
 * altered or moved to another KMS key without InvalidImportTokenException.
 *
 * Layout: "SRIT" ‖ version 1 ‖ sealServiceSecret(key id (16) ‖ wrapping key id (16) ‖ algorithm
 * (1) ‖ spec (1) ‖ valid-to epoch ms (8)), with the 5-byte header as part of the AAD.
 */
import type { Hsm } from './ports/hsm.js';
import { HsmDecryptError } from './ports/hsm.js';
import type { WrappingAlgorithm, WrappingKeySpec } from './ports/hsm-imports.js';
import { InvalidImportTokenException } from './errors.js';
import { bytesToUuid, uuidToBytes } from '../lib/ids.js';

const HEADER = Buffer.from('SRIT\x01', 'latin1');
const AAD = Buffer.concat([Buffer.from('strongroom/import-token/', 'utf8'), HEADER]);
const ALGORITHMS: readonly WrappingAlgorithm[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'];
const SPECS: readonly WrappingKeySpec[] = ['RSA_2048', 'RSA_3072', 'RSA_4096'];
const PAYLOAD_BYTES = 16 + 16 + 1 + 1 + 8;

export interface ImportTokenContent {
  keyId: string;
  wrappingKeyId: string;
  algorithm: WrappingAlgorithm;
  spec: WrappingKeySpec;
  /** Epoch ms. */
  validTo: number;
}

export function invalidImportToken(): InvalidImportTokenException {
  return new InvalidImportTokenException('The import token is not valid for this KMS key. Use the token returned by GetParametersForImport for this key.');
}

export async function sealImportToken(hsm: Hsm, c: ImportTokenContent): Promise<Buffer> {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  uuidToBytes(c.keyId).copy(payload, 0);
  uuidToBytes(c.wrappingKeyId).copy(payload, 16);
  payload[32] = ALGORITHMS.indexOf(c.algorithm);
  payload[33] = SPECS.indexOf(c.spec);
  payload.writeBigUInt64BE(BigInt(c.validTo), 34);
  return Buffer.concat([HEADER, await hsm.sealServiceSecret(payload, AAD)]);
}

/** Throws InvalidImportTokenException for anything that is not an unaltered token of ours. */
export async function openImportToken(hsm: Hsm, token: Buffer): Promise<ImportTokenContent> {
  if (token.length <= HEADER.length || !token.subarray(0, HEADER.length).equals(HEADER)) throw invalidImportToken();
  let payload: Buffer;
  try {
    payload = await hsm.openServiceSecret(token.subarray(HEADER.length), AAD);
  } catch (e) {
    if (e instanceof HsmDecryptError) throw invalidImportToken();
    throw e;
  }
  const algorithm = ALGORITHMS[payload[32] ?? -1];
  const spec = SPECS[payload[33] ?? -1];
  if (payload.length !== PAYLOAD_BYTES || !algorithm || !spec) throw invalidImportToken();
  return {
    keyId: bytesToUuid(payload.subarray(0, 16)),
    wrappingKeyId: bytesToUuid(payload.subarray(16, 32)),
    algorithm,
    spec,
    validTo: Number(payload.readBigUInt64BE(34)),
  };
}
