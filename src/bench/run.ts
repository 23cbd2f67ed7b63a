/**
 * `npm run bench [-- --concurrency 32 --duration 10 --storage wrapped|token --size 256]`
 *
 * Starts the service as a child process, drives Encrypt and GenerateDataKey through
 * @aws-sdk/client-kms (SigV4, keep-alive, N concurrent requests) and prints requests/s with p50/p99
 * latency, next to baselines measured in the same run on the same token. The audit trail, when
 * present, is part of every request, so its cost is inside these figures. Nothing here asserts a time.
 */
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { CreateKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { startBenchServer } from './server.js';
import { measureBaselines } from './baseline.js';
import { drive, formatRow } from './stats.js';
import { benchXksEncrypt } from './xks.js';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    storage: { type: 'string', default: 'wrapped' },
    size: { type: 'string', default: '256' },
  },
});
const concurrency = Number(values.concurrency);
const durationMs = Number(values.duration) * 1000;
const warmupMs = Number(values.warmup) * 1000;
const size = Number(values.size);
const storage = values.storage === 'token' ? 'token' : 'wrapped';
if (![concurrency, durationMs, warmupMs, size].every((n) => Number.isFinite(n) && n >= 0) || concurrency < 1 || size < 1 || size > 4096) {
  process.stderr.write('bench: --concurrency ≥1, --duration/--warmup in seconds, --size 1..4096\n');
  process.exit(2);
}

const server = await startBenchServer(storage);
const kms = new KMSClient({
  region: 'us-east-1',
  endpoint: server.url,
  maxAttempts: 1,
  credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: concurrency }) },
});
try {
  const keyId = (await kms.send(new CreateKeyCommand({ Description: 'bench' }))).KeyMetadata!.KeyId!;
  const plaintext = Buffer.alloc(size, 0x61);
  const encrypt = () => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { bench: 'yes' } }));
  const dataKey = () => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { bench: 'yes' } }));

  process.stdout.write(
    `Strongroom benchmark: ${cpus().length} CPUs, Node ${process.version}, key storage ${storage}, ` +
      `${concurrency} concurrent, ${durationMs / 1000}s per run after ${warmupMs / 1000}s warm-up, ${size}-byte plaintext\n` +
      `(server and load generator share this machine's cores)\n\n`,
  );
  await drive(concurrency, warmupMs, encrypt);
  process.stdout.write(`${formatRow('Encrypt via @aws-sdk/client-kms', await drive(concurrency, durationMs, encrypt))}\n`);
  await drive(concurrency, warmupMs, dataKey);
  process.stdout.write(`${formatRow('GenerateDataKey (AES_256) via @aws-sdk/client-kms', await drive(concurrency, durationMs, dataKey))}\n`);

  const base = await measureBaselines(server.dataDir, storage, durationMs, concurrency, size);
  process.stdout.write('\nBaseline, same token, no HTTP, in-process:\n');
  process.stdout.write(`${formatRow('raw PKCS#11 AES-256-GCM encrypt (sync, 1 session)', base.rawGcm)}\n`);
  process.stdout.write(`${formatRow('Hsm.seal: derive key + GCM + destroy (async)', base.seal)}\n`);
} finally {
  kms.destroy();
  await server.stop();
}

// Servers with the XKS proxy: AWS grants an external key store 1,800 TPS by default and times XKS
// calls out after 250 ms, so those are the figures to compare with. Two request shapes: plaintext
// only, and what KMS sends (an AAD and the SHA_256 integrity value, which costs a test decrypt).
const xksPlain = await benchXksEncrypt(storage, concurrency, durationMs, warmupMs, size, { kmsLike: false });
const xksKms = await benchXksEncrypt(storage, concurrency, durationMs, warmupMs, size, { kmsLike: true });
process.stdout.write(
  `\n${formatRow('XKS proxy Encrypt (SigV4 kms-xks-proxy, loopback HTTP)', xksPlain)}\n` +
    `${formatRow('XKS proxy Encrypt as KMS sends it (+ AAD, CDIV)', xksKms)}\n` +
    '(AWS KMS allows an external key store 1,800 requests/s by default and times each call out after 250 ms)\n',
);
