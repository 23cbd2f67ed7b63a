import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

type Source = string | ArrayBuffer | ArrayBufferView;

function bytes(d: Source): string | Uint8Array {
  return typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/**
 * SHA-256 / HMAC-SHA-256 on node:crypto in the shape @smithy/signature-v4 takes as `sha256`
 * (its Checksum constructor), for the places that sign requests with that independent signer:
 * the benchmark and the tests.
 */
export class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: Source) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Source): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}
