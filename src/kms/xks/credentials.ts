/**
 * New XKS SigV4 credentials (XKS proxy API spec v1.0.3, Appendix A): an access key id of 20-30
 * characters A-Z and 2-7 that reveals nothing about the secret, and a secret access key of at
 * least 256 bits of entropy from [A-Za-z0-9+/=] ("openssl rand 32 | base64"). Neither is an IAM
 * credential.
 */
import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export interface XksCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

export function newXksCredential(): XksCredential {
  // 15 random bytes → 24 base32 characters; 32 random bytes → 44 base64 characters.
  return { accessKeyId: base32(randomBytes(15)), secretAccessKey: randomBytes(32).toString('base64') };
}

/** The JSON file the AWS KMS console accepts for an external key store (spec, "XKS proxy configuration in AWS KMS console"). */
export function consoleConfigFile(uriPathPrefix: string, c: XksCredential): string {
  return JSON.stringify(
    {
      XksProxyUriPath: `${uriPathPrefix}/kms/xks/v1`,
      XksProxyAuthenticationCredential: { AccessKeyId: c.accessKeyId, RawSecretAccessKey: c.secretAccessKey },
    },
    null,
    2,
  );
}
