/**
 * RSA wrapping key pairs for GetParametersForImport, generated in the token. The private half is a
 * token object (CKA_ID `strongroom/import/<id>`) so that ImportKeyMaterial works on whichever
 * process or node it reaches; the scheduler destroys it when the parameters expire (24 h). The
 * public half is read once as SubjectPublicKeyInfo and destroyed.
 *
 * RSA-OAEP with SHA-256: used natively when the token has it; SoftHSM 2.6 refuses it with
 * CKR_ARGUMENTS_BAD (notes §3e), which the first SHA-256 wrapping key of a process detects with a
 * self-test (an OAEP-SHA-256 unwrap of random bytes encrypted with the new public key). Without it,
 * the software route (import-unwrap.ts) needs CKA_DECRYPT for CKM_RSA_X_509; with it switched off,
 * SHA-256 algorithms are refused before anything is created.
 */
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11 } from 'pkcs11js';
import { HsmError, HsmKeyNotFoundError, HsmUnsupportedError } from '../kms/ports/hsm.js';
import type { WrappingAlgorithm, WrappingKeySpec } from '../kms/ports/hsm-imports.js';
import { isCkr } from './errors.js';
import {
  RSA_KEY_PAIR_GEN,
  findWrappingKeyTemplate,
  importedSessionTemplate,
  oaepMechanism,
  wrappingPrivateTemplate,
  wrappingPublicTemplate,
} from './import-templates.js';
import type { Runtime } from './runtime.js';
import { destroyQuietly } from './seal.js';
import type { Token } from './token.js';

const BITS: Readonly<Record<WrappingKeySpec, number>> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

/** The token's "I cannot do these parameters" answers (not failures of the data). */
const REFUSALS = [0x007 /* ARGUMENTS_BAD */, 0x070 /* MECHANISM_INVALID */, 0x071 /* MECHANISM_PARAM_INVALID */];

export function isRefusal(e: unknown): boolean {
  return REFUSALS.some((code) => isCkr(e, code));
}

export function usesSha256(algorithm: WrappingAlgorithm): boolean {
  return algorithm === 'RSAES_OAEP_SHA_256' || algorithm === 'RSA_AES_KEY_WRAP_SHA_256';
}

/** Per Hsm instance: what this token turned out to support (undefined until probed). */
export interface OaepSupport {
  nativeSha256: boolean | undefined;
}

export interface WrappingKeyDeps {
  p: PKCS11;
  token: Token;
  runtime: Runtime;
  softwareOaep: boolean;
  oaep: OaepSupport;
}

function refused(algorithm: WrappingAlgorithm): HsmUnsupportedError {
  return new HsmUnsupportedError(
    `${algorithm} needs RSA-OAEP with SHA-256, which this HSM does not implement natively, and software OAEP decoding ` +
      'is switched off (STRONGROOM_HSM_SOFTWARE_OAEP=off)',
  );
}

function rsaSpki(p: PKCS11, session: Handle, publicKey: Handle): Buffer {
  const [n, e] = p.C_GetAttributeValue(session, publicKey, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }]);
  if (!n?.value || !e?.value) throw new HsmError('RSA public key attributes missing');
  const jwk = { kty: 'RSA', n: Buffer.from(n.value).toString('base64url'), e: Buffer.from(e.value).toString('base64url') };
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

async function probeNativeSha256(p: PKCS11, session: Handle, privateKey: Handle, spki: Buffer): Promise<boolean> {
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const probe = publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, randomBytes(32));
  let handle: Handle | undefined;
  try {
    handle = await p.C_UnwrapKeyAsync(session, oaepMechanism('sha256'), privateKey, probe, importedSessionTemplate());
    return true;
  } catch (e) {
    if (isRefusal(e)) return false;
    throw e;
  } finally {
    destroyQuietly(p, session, handle);
  }
}

export async function createWrappingKey(
  deps: WrappingKeyDeps,
  wrappingKeyId: string,
  spec: WrappingKeySpec,
  algorithm: WrappingAlgorithm,
): Promise<Buffer> {
  const sha256 = usesSha256(algorithm);
  if (sha256 && deps.oaep.nativeSha256 === false && !deps.softwareOaep) throw refused(algorithm);
  const { p } = deps;
  return deps.runtime.withSession('create wrapping key', async (session) => {
    const pair = await p.C_GenerateKeyPairAsync(
      session.handle,
      RSA_KEY_PAIR_GEN,
      wrappingPublicTemplate(BITS[spec]),
      wrappingPrivateTemplate(wrappingKeyId, sha256 && deps.softwareOaep),
    );
    let keep = false;
    try {
      const spki = rsaSpki(p, session.handle, pair.publicKey);
      if (sha256 && deps.oaep.nativeSha256 === undefined) {
        deps.oaep.nativeSha256 = await probeNativeSha256(p, session.handle, pair.privateKey, spki);
      }
      if (sha256 && !deps.oaep.nativeSha256 && !deps.softwareOaep) throw refused(algorithm);
      keep = true;
      return spki;
    } finally {
      destroyQuietly(p, session.handle, pair.publicKey);
      if (!keep) destroyQuietly(p, session.handle, pair.privateKey);
    }
  });
}

/**
 * The private half, found by CKA_ID on the anchor; twice, for SoftHSM 2.6.1's multi-process
 * visibility bug (a token object another process just created is sometimes not seen at once).
 */
export function findWrappingPrivateKey(token: Token, wrappingKeyId: string): Handle {
  const template = findWrappingKeyTemplate(wrappingKeyId, pkcs11js.CKO_PRIVATE_KEY);
  const found = token.findAll(template)[0] ?? token.findAll(template)[0];
  if (found) return found;
  token.assertLoggedIn(); // no match may only mean "logged out": that recovers instead
  throw new HsmKeyNotFoundError(`wrapping key ${wrappingKeyId} is not in the token`);
}

export async function destroyWrappingKey(deps: WrappingKeyDeps, wrappingKeyId: string): Promise<void> {
  await deps.runtime.withAnchor('destroy wrapping key', (anchor) => {
    const found = [pkcs11js.CKO_PRIVATE_KEY, pkcs11js.CKO_PUBLIC_KEY].flatMap((c) =>
      deps.token.findAll(findWrappingKeyTemplate(wrappingKeyId, c)),
    );
    if (found.length === 0) deps.token.assertLoggedIn(); // absent is fine; invisible is not
    for (const handle of found) deps.p.C_DestroyObject(anchor, handle);
  });
}
