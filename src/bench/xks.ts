/**
 * XKS Encrypt throughput: the service as a child process with its XKS proxy on loopback HTTP,
 * one external key created with the CLI, and every request signed afresh with
 * @smithy/signature-v4 (service kms-xks-proxy), as AWS KMS would sign it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
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


export async function benchXksEncrypt(storage: 'wrapped' | 'token', concurrency: number, durationMs: number, warmupMs: number, size: number): Promise<RunStats> {
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
        res.resume();
        res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`XKS encrypt answered ${res.statusCode}`))));
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
