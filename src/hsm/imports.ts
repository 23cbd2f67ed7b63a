/**
 * `hsm.imports`: the ImportsHsm capability (kms/ports/hsm-imports.ts) assembled from
 * import-wrapping-keys.ts (RSA pairs in the token), import-unwrap.ts (per-algorithm unwrap) and
 * import-material.ts (length proof, material id, storage). All state lives in the returned object.
 */
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { HsmError } from '../kms/ports/hsm.js';
import type { ImportedMaterial, ImportsHsm } from '../kms/ports/hsm-imports.js';
import { persistImported } from './import-material.js';
import { unwrapMaterial } from './import-unwrap.js';
import { createWrappingKey, destroyWrappingKey, findWrappingPrivateKey, type OaepSupport } from './import-wrapping-keys.js';
import type { SealDeps } from './seal.js';
import { destroyQuietly } from './seal.js';
import type { Token } from './token.js';

export interface ImportsOptions {
  /** STRONGROOM_HSM_SOFTWARE_OAEP: may RSA-OAEP-SHA-256 be decoded in memory? */
  softwareOaep: boolean;
}

function modulusBytes(deps: SealDeps, session: Handle, privateKey: Handle): number {
  const [n] = deps.p.C_GetAttributeValue(session, privateKey, [{ type: pkcs11js.CKA_MODULUS }]);
  if (!n?.value) throw new HsmError('wrapping key has no modulus');
  // The modulus is an integer: strip a leading zero byte some tokens return.
  let bytes = n.value.length;
  for (let i = 0; i < n.value.length && n.value[i] === 0; i += 1) bytes -= 1;
  return bytes;
}

export function createImportsHsm(deps: SealDeps, token: Token, mode: 'wrapped' | 'token', options: ImportsOptions): ImportsHsm {
  const oaep: OaepSupport = { nativeSha256: undefined };
  const keyDeps = { p: deps.p, token, runtime: deps.runtime, softwareOaep: options.softwareOaep, oaep };
  const unwrapDeps = { p: deps.p, softwareOaep: options.softwareOaep, oaep };
  const persistDeps = { p: deps.p, token, keys: deps.keys, mode };

  return {
    capabilities: { softwareOaep: options.softwareOaep },
    createWrappingKey: (wrappingKeyId, spec, algorithm) => createWrappingKey(keyDeps, wrappingKeyId, spec, algorithm),
    destroyWrappingKey: (wrappingKeyId) => destroyWrappingKey(keyDeps, wrappingKeyId),
    async importSymmetricMaterial(req, accept): Promise<ImportedMaterial> {
      // accept() throws KMS errors; they are carried past the runtime, which maps whatever escapes
      // an operation to an HsmError.
      let refusal: { error: unknown } | undefined;
      const imported = await deps.runtime.withSession('import key material', async (session) => {
        refusal = undefined;
        const rsaKey = findWrappingPrivateKey(token, req.wrappingKeyId);
        const k = modulusBytes(deps, session.handle, rsaKey);
        let material: Handle | undefined;
        try {
          material = await unwrapMaterial(unwrapDeps, session.handle, rsaKey, k, req);
          return await persistImported(persistDeps, session.handle, req.keyId, material, accept, (error) => (refusal = { error }));
        } finally {
          destroyQuietly(deps.p, session.handle, material);
        }
      });
      if (refusal) throw refusal.error;
      if (!imported) throw new HsmError('import produced no material');
      return imported;
    },
  };
}
