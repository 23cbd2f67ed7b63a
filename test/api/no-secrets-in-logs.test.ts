/**
 * Nothing secret reaches the log: plaintext, data keys, ciphertext, the secret access key, the
 * Authorization header or the token PIN — with the log at its most verbose level and including
 * failing and internal-error paths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, GenerateRandomCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';
import { signedPost } from '../support/raw.js';
import { errorOf } from '../support/errors.js';

describe('logs carry no secrets', () => {
  let srv: TestServer;
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });

  beforeAll(async () => {
    srv = await startTestServer({ log: { level: 'trace', destination: sink } });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('logs requests without plaintext, data keys, ciphertext, secrets, PIN or Authorization', async () => {
    const kms = srv.kms();
    const secretText = 'TOP-SECRET-PLAINTEXT-4242';
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(secretText), EncryptionContext: { who: 'me' } }));
    await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { who: 'me' } }));
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    const rnd = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
    await errorOf(srv.kms({ secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret' }).send(new ListKeysCommand({})));
    const raw = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: Buffer.from(secretText).toString('base64') }));
    expect(raw.status).toBe(200);
    kms.destroy();

    const log = lines.join('');
    expect(log.length).toBeGreaterThan(0);
    const pin = readFileSync(srv.config.hsm.pinFile!, 'utf8').trim();
    const forbidden = [
      secretText,
      Buffer.from(secretText).toString('base64'),
      Buffer.from(enc.CiphertextBlob!).toString('base64'),
      Buffer.from(dk.Plaintext!).toString('base64'),
      Buffer.from(dk.Plaintext!).toString('hex'),
      Buffer.from(rnd.Plaintext!).toString('base64'),
      TEST_SECRET,
      pin,
      'AWS4-HMAC-SHA256 Credential=',
    ];
    for (const f of forbidden) expect(log.includes(f), `log contains ${f.slice(0, 12)}…`).toBe(false);
  });
});
