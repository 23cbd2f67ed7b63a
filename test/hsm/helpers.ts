import { randomBytes, randomUUID } from 'node:crypto';
import type { Hsm, MaterialRef, SealedData } from '../../src/kms/ports/hsm.js';

export const MODES = ['wrapped', 'token'] as const;

/** Creates a fresh material the way CreateKey does and returns its reference. */
export async function newMaterial(hsm: Hsm, keyId: string = randomUUID()): Promise<MaterialRef> {
  const materialId = randomBytes(32).toString('hex');
  const generated = await hsm.generateSymmetricMaterial(keyId, materialId);
  return { keyId, materialId, wrapped: generated.wrapped };
}

export function flipByte(b: Buffer, index = 0): Buffer {
  const copy = Buffer.from(b);
  const i = index < 0 ? copy.length + index : index;
  copy[i] = copy[i]! ^ 0x01;
  return copy;
}

export function withField(sealed: SealedData, field: keyof SealedData, value: Buffer): SealedData {
  return { ...sealed, [field]: value };
}
