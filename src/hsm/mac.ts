/**
 * `hsm.mac`: HMAC keys (CKK_GENERIC_SECRET) generated in the token and used with CKM_SHA*_HMAC
 * (AWS KMS API Reference: GenerateMac, VerifyMac). Storage as for the other key objects
 * (key-objects.ts): a persistent non-extractable token object, or wrapped once under the domain
 * key and unwrapped at use into a non-extractable session object.
 *
 * Key lengths are the hash output lengths, 28/32/48/64 bytes, which are also SoftHSM 2.6's minimum
 * HMAC key sizes (shorter keys: CKR_KEY_SIZE_RANGE, notes §3h). SoftHSM zero-pads a 28-byte key
 * to 32 before KWP-wrapping (notes §3c), so an unwrapped HMAC_224 key is 32 bytes; HMAC pads keys
 * with zeros to the block size (RFC 2104 §2), so the MACs are identical (measured).
 *
 * Verification happens in the token (C_Verify compares there); SoftHSM throws
 * CKR_SIGNATURE_INVALID / CKR_SIGNATURE_LEN_RANGE instead of returning false.
 */
import pkcs11js from 'pkcs11js';
import type { KeyStorageMode } from '../kms/ports/hsm.js';
import type { MacHsm, MacKeyRef } from '../kms/ports/hsm-mac.js';
import { isCkr } from './errors.js';
import type { KeyObjectStore } from './key-objects.js';
import type { MaterialLease } from './materials.js';
import {
  GENERIC_SECRET_KEY_GEN,
  MAC_MECHANISMS,
  MAC_OUTPUT_BYTES,
  generatedMacTemplate,
  keyObjectLabel,
  unwrappedMacTemplate,
} from './key-templates.js';
import type { Runtime } from './runtime.js';
import { materialCkaId } from './templates.js';

export interface MacHsmDeps {
  runtime: Runtime;
  objects: KeyObjectStore;
  mode: KeyStorageMode;
}

const CKR_SIGNATURE_INVALID = 0x0c0;
const CKR_SIGNATURE_LEN_RANGE = 0x0c1;

export function createMacHsm(deps: MacHsmDeps): MacHsm {
  const { runtime, objects } = deps;
  const p = objects.p;

  function lease(ref: MacKeyRef): Promise<MaterialLease> {
    const id = materialCkaId(ref.keyId, ref.materialId);
    return objects.lease(ref, pkcs11js.CKO_SECRET_KEY, () => unwrappedMacTemplate(id));
  }

  return {
    generate: (keyId, materialId, hash) =>
      runtime.withSession('generate mac key', async (session) => {
        if (deps.mode === 'token') {
          const target = { token: true as const, ckaId: materialCkaId(keyId, materialId), label: keyObjectLabel(keyId, materialId) };
          await p.C_GenerateKeyAsync(session.handle, GENERIC_SECRET_KEY_GEN, generatedMacTemplate(hash, target));
          return { storage: 'token' as const };
        }
        const ephemeral = await p.C_GenerateKeyAsync(session.handle, GENERIC_SECRET_KEY_GEN, generatedMacTemplate(hash, { token: false }));
        return { storage: 'wrapped' as const, wrapped: await objects.wrapAndDestroy(session, ephemeral) };
      }),

    mac: (ref, message) =>
      runtime.withSession('generate mac', async (session) => {
        const key = await lease(ref);
        try {
          p.C_SignInit(session.handle, { mechanism: MAC_MECHANISMS[ref.hash] }, key.handle);
          const out = Buffer.alloc(MAC_OUTPUT_BYTES[ref.hash]);
          return Buffer.from(await p.C_SignAsync(session.handle, message, out));
        } finally {
          key.release();
        }
      }),

    verify: async (ref, message, mac) => {
      if (mac.length !== MAC_OUTPUT_BYTES[ref.hash]) return false;
      return runtime.withSession('verify mac', async (session) => {
        const key = await lease(ref);
        try {
          p.C_VerifyInit(session.handle, { mechanism: MAC_MECHANISMS[ref.hash] }, key.handle);
          return await p.C_VerifyAsync(session.handle, message, mac);
        } catch (e) {
          if (isCkr(e, CKR_SIGNATURE_INVALID) || isCkr(e, CKR_SIGNATURE_LEN_RANGE)) return false;
          throw e;
        } finally {
          key.release();
        }
      });
    },
  };
}
