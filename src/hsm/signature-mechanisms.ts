/**
 * How each signature scheme maps onto PKCS#11 mechanisms, input and output sizes.
 *
 * The token signs digests, not messages (the caller hashes): SoftHSM 2.6.1 has no CKM_ECDSA_SHA*
 * (notes §3f), and AWS's MessageType DIGEST needs digest signing for every scheme anyway, so one
 * path serves RAW and DIGEST alike:
 * - RSASSA-PKCS1-v1_5: CKM_RSA_PKCS over DigestInfo ‖ digest (RFC 8017 §9.2 note 1 prefixes);
 * - RSASSA-PSS: CKM_RSA_PKCS_PSS over the digest, MGF1 with the same hash, salt = hash length;
 * - ECDSA: CKM_ECDSA over the digest (raw r‖s out; DER conversion in ecdsa-der.ts);
 * - Ed25519: CKM_EDDSA over the message (pure EdDSA, no CK_EDDSA_PARAMS: SoftHSM 2.6.1 ignores
 *   phFlag — measured, the "prehash" signature equals the pure one — so Ed25519ph is not offered).
 */
import pkcs11js from 'pkcs11js';
import type { Mechanism } from 'pkcs11js';
import { HsmError } from '../kms/ports/hsm.js';
import type { KeyPairParams, SignatureHash, SignatureScheme } from '../kms/ports/hsm-asymmetric.js';
import { ECDSA_HALF_BYTES } from './ecdsa-der.js';
import { CKM_EDDSA } from './key-templates.js';

const DIGEST_INFO: Readonly<Record<SignatureHash, Buffer>> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};
const HASH_BYTES: Readonly<Record<SignatureHash, number>> = { sha256: 32, sha384: 48, sha512: 64 };
const PSS_HASH: Readonly<Record<SignatureHash, { hashAlg: number; mgf: number }>> = {
  sha256: { hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256 },
  sha384: { hashAlg: pkcs11js.CKM_SHA384, mgf: pkcs11js.CKG_MGF1_SHA384 },
  sha512: { hashAlg: pkcs11js.CKM_SHA512, mgf: pkcs11js.CKG_MGF1_SHA512 },
};

export interface SignaturePlan {
  mechanism: Mechanism;
  /** What C_Sign / C_Verify take. */
  data: Buffer;
  /** Raw signature length the token produces and expects. */
  signatureBytes: number;
}

function assertDigest(hash: SignatureHash, digest: Buffer): void {
  if (digest.length !== HASH_BYTES[hash]) throw new HsmError(`digest must be ${HASH_BYTES[hash]} bytes for ${hash}`);
}

export function signaturePlan(params: KeyPairParams | { kind: 'rsa'; bits: number }, scheme: SignatureScheme, input: Buffer): SignaturePlan {
  switch (scheme.kind) {
    case 'rsa-pkcs1-v1_5':
    case 'rsa-pss': {
      if (params.kind !== 'rsa') break;
      assertDigest(scheme.hash, input);
      const signatureBytes = Math.ceil(params.bits / 8);
      if (scheme.kind === 'rsa-pkcs1-v1_5') {
        return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS }, data: Buffer.concat([DIGEST_INFO[scheme.hash], input]), signatureBytes };
      }
      const parameter = { type: pkcs11js.CK_PARAMS_RSA_PSS, ...PSS_HASH[scheme.hash], saltLen: HASH_BYTES[scheme.hash] };
      return { mechanism: { mechanism: pkcs11js.CKM_RSA_PKCS_PSS, parameter }, data: input, signatureBytes };
    }
    case 'ecdsa':
      if (params.kind !== 'ec') break;
      return { mechanism: { mechanism: pkcs11js.CKM_ECDSA }, data: input, signatureBytes: 2 * ECDSA_HALF_BYTES[params.curve]! };
    case 'ed25519':
      if (params.kind !== 'ed25519') break;
      return { mechanism: { mechanism: CKM_EDDSA }, data: input, signatureBytes: 64 };
  }
  throw new HsmError(`signature scheme ${scheme.kind} does not fit a ${params.kind} key`);
}
