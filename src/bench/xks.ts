/**
 * XKS Encrypt throughput: the service as a child process with its XKS proxy on loopback HTTP,
 * one external key created with the CLI, and every request signed afresh with
 * @smithy/signature-v4 (service kms-xks-proxy), as AWS KMS would sign it. The response's
 * integrity value is checked against SHA-256 of what came back, so a run only counts answers
 * that a real KMS would accept.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignatureV4 } from '@smithy/signature-v4';
import { stringify as toYaml } from 'yaml';
import { newXksCredential } from '../kms/xks/credentials.js';
import { newBenchDataDir, startBenchServer } from './server.js';
import { drive, type RunStats } from './stats.js';
import { NodeSha256 } from '../lib/node-sha256.js';


/** XKS spec Appendix C, recomputed here: base64(SHA-256(aad ‖ cm ‖ iv ‖ ciphertext ‖ tag)). */
function integrityHolds(body: Buffer, aad: Buffer): boolean {
  const r = JSON.parse(body.toString('utf8')) as Record<string, string>;
  const b = (field: string) => Buffer.from(r[field] ?? '', 'base64');
  const expected = createHash('sha256')
    .update(aad)
    .update(b('ciphertextMetadata'))
    .update(b('initializationVector'))
    .update(b('ciphertext'))
    .update(b('authenticationTag'))
    .digest('base64');
  return r.ciphertextDataIntegrityValue === expected;
}

export interface XksRequestShape {
  /**
   * As AWS KMS sends it: an AAD (KMS binds its own ciphertext header; 64 bytes here) and the
   * SHA_256 integrity value, which costs a test decrypt per call. Otherwise plaintext only.
   */
  kmsLike: boolean;
}

export async function benchXksEncrypt(
  storage: 'wrapped' | 'token',
  concurrency: number,
  durationMs: number,
  warmupMs: number,
  size: number,
  shape: XksRequestShape,
): Promise<RunStats> {
  const dataDir = newBenchDataDir();
  const credential = newXksCredential();
  const prefix = '/xks/bench';
  const configPath = join(dataDir, 'xks.yaml');
  writeFileSync(configPath, toYaml({ tenants: [{ name: 'bench', uriPathPrefix: prefix, credentials: [credential] }] }), { mode: 0o600 });
  const env = { STRONGROOM_DATA_DIR: dataDir, STRONGROOM_KEY_STORAGE: storage, STRONGROOM_XKS_CONFIG: configPath, STRONGROOM_XKS_HTTP_PORT: '0' };
  const cli = fileURLToPath(new URL('../../bin/strongroom.js', import.meta.url));
  execFileSync(process.execPath, [cli, 'xks', 'key', 'create', '--tenant', 'bench', '--id', 'bench-key'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const server = await startBenchServer(storage, { dataDir, env });
  const target = new URL(server.xksUrl!);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const signer = new SignatureV4({ service: 'kms-xks-proxy', region: 'us-east-1', credentials: credential, sha256: NodeSha256 });
  const plaintext = randomBytes(size).toString('base64');
  const aadBytes = randomBytes(64);
  const aad = aadBytes.toString('base64');
  const path = `${prefix}/kms/xks/v1/keys/bench-key/encrypt`;

  const encrypt = async () => {
    const body = JSON.stringify({
      requestMetadata: {
        awsPrincipalArn: 'arn:aws:iam::111122223333:user/bench',
        kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000',
        kmsOperation: 'Encrypt',
        kmsRequestId: randomUUID(),
      },
      plaintext,
      encryptionAlgorithm: 'AES_GCM',
      ...(shape.kmsLike ? { additionalAuthenticatedData: aad, ciphertextDataIntegrityValueAlgorithm: 'SHA_256' } : {}),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: target.hostname,
      port: Number(target.port),
      path,
      headers: { host: target.host, 'content-type': 'application/json' },
      body,
    });
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: target.hostname, port: target.port, path, method: 'POST', agent, headers: signed.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`XKS encrypt answered ${res.statusCode}`));
          if (shape.kmsLike && !integrityHolds(Buffer.concat(chunks), aadBytes)) return reject(new Error('XKS encrypt returned a wrong integrity value'));
          resolve();
        });
      });
      req.once('error', reject);
      req.end(body);
    });
  };
  try {
    await drive(concurrency, warmupMs, encrypt);
    return await drive(concurrency, durationMs, encrypt);
  } finally {
    agent.destroy();
    await server.stop();
  }
}
