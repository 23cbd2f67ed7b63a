/**
 * Raw signed requests for what an SDK would never send (malformed JSON, wrong member types,
 * oversized bodies): signed with @smithy/signature-v4, an implementation independent of ours.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { TEST_ACCESS_KEY_ID, TEST_SECRET } from './server.js';
import { NodeSha256 } from '../../src/lib/node-sha256.js';


export interface RawResponse {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
  text: string;
}

export async function signedPost(
  url: string,
  target: string,
  body: string | Buffer,
  opts: { region?: string; accessKeyId?: string; secretAccessKey?: string; headers?: Record<string, string>; service?: string } = {},
): Promise<RawResponse> {
  const u = new URL(url);
  const signer = new SignatureV4({
    service: opts.service ?? 'kms',
    region: opts.region ?? 'us-east-1',
    credentials: { accessKeyId: opts.accessKeyId ?? TEST_ACCESS_KEY_ID, secretAccessKey: opts.secretAccessKey ?? TEST_SECRET },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    headers: {
      host: u.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': target,
      ...opts.headers,
    },
    body,
  });
  const res = await fetch(url, { method: 'POST', headers: signed.headers as Record<string, string>, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // leave empty; the test asserts on status/text
  }
  return { status: res.status, headers: res.headers, json, text };
}
