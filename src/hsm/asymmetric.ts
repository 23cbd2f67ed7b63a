/**
 * `hsm.asymmetric`: key pairs generated inside the token, signing with the private key, verifying
 * with a session copy of the public key (AWS KMS API Reference: Sign, Verify, GetPublicKey).
 *
 * Storage, per material:
 * - `token`: the private key is a persistent, non-extractable token object (CKA_ID =
 *   "<keyId>/<materialId>", label `srk:…`); the public half is only read for its SPKI.
 * - `wrapped`: generated as an extractable session object, wrapped once under the domain key with
 *   CKM_AES_KEY_WRAP_PAD (SoftHSM wraps private keys as PKCS#8; measured for RSA and EC) and
 *   destroyed; unwrapped at use into a non-extractable session object (key-objects.ts).
 *   A token that refuses to wrap a key type (CKR_KEY_NOT_WRAPPABLE: SoftHSM 2.6.1 for Ed25519) gets
 *   a token object instead; the refusal is remembered per key family for this instance.
 *
 * RSA key generation blocks for up to ~2 s at 4096 bits, so it runs through C_GenerateKeyPairAsync.
 */
import type { KeyStorageMode } from '../kms/ports/hsm.js';
import type {
  AsymmetricHsm,
  AsymmetricUsage,
  GeneratedKeyPair,
  KeyPairParams,
  SignatureScheme,
} from '../kms/ports/hsm-asymmetric.js';
import { decryptOaep, deriveEcdh, type OaepSupport } from './asymmetric-decrypt.js';
import { ecdsaDerToRaw, ecdsaRawToDer, ECDSA_HALF_BYTES } from './ecdsa-der.js';
import { isCkr } from './errors.js';
import { destroyQuietly, withPrivateKey, type KeyObjectStore } from './key-objects.js';
import { generatedPrivateTemplate, generatedPublicTemplate, keyObjectLabel, keyPairMechanism } from './key-templates.js';
import type { PooledSession } from './pool.js';
import { parseSpki, publicKeyObjectTemplate, spkiFromToken } from './public-key.js';
import type { Runtime } from './runtime.js';
import { signaturePlan } from './signature-mechanisms.js';
import { materialCkaId } from './templates.js';

export interface AsymmetricHsmDeps {
  runtime: Runtime;
  objects: KeyObjectStore;
  mode: KeyStorageMode;
}

const CKR_KEY_NOT_WRAPPABLE = 0x069;
const CKR_SIGNATURE_INVALID = 0x0c0;
const CKR_SIGNATURE_LEN_RANGE = 0x0c1;

export function createAsymmetricHsm(hsmDeps: AsymmetricHsmDeps): AsymmetricHsm {
  const { runtime, objects } = hsmDeps;
  const p = objects.p;
  const deps = { objects, oaep: { nativeSha256: undefined } as OaepSupport };
  /** Key families this token refused to wrap (learned at the first generation). */
  const unwrappable = new Set<KeyPairParams['kind']>();

  async function generate(
    session: PooledSession,
    keyId: string,
    materialId: string,
    params: KeyPairParams,
    usage: AsymmetricUsage,
    storage: KeyStorageMode,
  ): Promise<GeneratedKeyPair> {
    const target = storage === 'token' ? { token: true as const, ckaId: materialCkaId(keyId, materialId), label: keyObjectLabel(keyId, materialId) } : { token: false as const };
    const pair = await p.C_GenerateKeyPairAsync(session.handle, keyPairMechanism(params), generatedPublicTemplate(params), generatedPrivateTemplate(params, usage, target));
    try {
      const publicKey = spkiFromToken(p, session.handle, pair.publicKey, params);
      if (storage === 'token') return { publicKey, storage };
      return { publicKey, storage, wrapped: await objects.wrapAndDestroy(session, pair.privateKey) };
    } catch (e) {
      // Never leave a token object without a database row (the caller never learns of it).
      if (storage === 'token') destroyQuietly(p, session.handle, pair.privateKey);
      throw e;
    } finally {
      destroyQuietly(p, session.handle, pair.publicKey);
    }
  }

  return {
    capabilities: { ed25519Prehash: false },

    generateKeyPair: (keyId, materialId, params, usage) =>
      runtime.withSession('generate key pair', async (session) => {
        if (hsmDeps.mode === 'wrapped' && !unwrappable.has(params.kind)) {
          try {
            return await generate(session, keyId, materialId, params, usage, 'wrapped');
          } catch (e) {
            if (!isCkr(e, CKR_KEY_NOT_WRAPPABLE)) throw e;
            unwrappable.add(params.kind);
          }
        }
        return generate(session, keyId, materialId, params, usage, 'token');
      }),

    sign: async (ref, scheme, input) => {
      const plan = signaturePlan(ref.params, scheme, input);
      return runtime.withSession('sign', (session) =>
        withPrivateKey(objects, ref, async (key) => {
          p.C_SignInit(session.handle, plan.mechanism, key);
          const out = Buffer.alloc(plan.signatureBytes);
          const signature = Buffer.from(await p.C_SignAsync(session.handle, plan.data, out));
          return scheme.kind === 'ecdsa' ? ecdsaRawToDer(signature) : signature;
        }),
      );
    },

    verify: async (publicKey, scheme: SignatureScheme, input, signature) => {
      const parsed = parseSpki(publicKey);
      const plan = signaturePlan(parsed.params, scheme, input);
      const raw = parsed.params.kind === 'ec' ? ecdsaDerToRaw(signature, ECDSA_HALF_BYTES[parsed.params.curve]!) : signature;
      if (!raw || raw.length !== plan.signatureBytes) return false;
      return runtime.withSession('verify', async (session) => {
        const key = p.C_CreateObject(session.handle, publicKeyObjectTemplate(parsed));
        try {
          p.C_VerifyInit(session.handle, plan.mechanism, key);
          return await p.C_VerifyAsync(session.handle, plan.data, raw);
        } catch (e) {
          // SoftHSM 2.6 throws instead of returning false (notes §3h); C_Verify ends the operation.
          if (isCkr(e, CKR_SIGNATURE_INVALID) || isCkr(e, CKR_SIGNATURE_LEN_RANGE)) return false;
          throw e;
        } finally {
          destroyQuietly(p, session.handle, key);
        }
      });
    },

    decrypt: (ref, hash, ciphertext) => runtime.withSession('decrypt', (session) => decryptOaep(deps, session, ref, hash, ciphertext)),

    deriveSharedSecret: (ref, peerPoint) => runtime.withSession('derive shared secret', (session) => deriveEcdh(deps, session, ref, peerPoint)),
  };
}
