/**
 * Issue 4: envelope encryption with the AWS Encryption SDK for JavaScript, using a Strongroom key
 * as its KMS keyring (GenerateDataKey on encrypt, Decrypt on decrypt), over a multi-megabyte stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buildClient, CommitmentPolicy, KmsKeyringNode, getClient, KMS } from '@aws-crypto/client-node';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../support/server.js';

const { encryptStream, decryptUnsignedMessageStream, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('AWS Encryption SDK with a Strongroom KMS keyring', () => {
  let srv: TestServer;
  let keyArn: string;
  let otherArn: string;
  let clientProvider: ReturnType<typeof getClient>;

  beforeAll(async () => {
    srv = await startTestServer({ keyStorage: 'wrapped' });
    const kms = srv.kms();
    keyArn = (await kms.send(new CreateKeyCommand({ Description: 'esdk' }))).KeyMetadata!.Arn!;
    otherArn = (await kms.send(new CreateKeyCommand({ Description: 'esdk other' }))).KeyMetadata!.Arn!;
    kms.destroy();
    clientProvider = getClient(KMS, { endpoint: srv.url, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
  });
  afterAll(async () => {
    await srv?.close();
  });

  const context = { stage: 'demo', purpose: 'esdk-test' };

  async function encryptLarge(plaintext: Buffer): Promise<Buffer> {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
    // Unsigned suite so the stream can be decrypted with decryptUnsignedMessageStream.
    const stream = Readable.from([plaintext.subarray(0, 1 << 20), plaintext.subarray(1 << 20)]).pipe(
      encryptStream(keyring, { encryptionContext: context, suiteId: 0x0478 /* AES-256 GCM, HKDF-SHA512, committing, unsigned */ }),
    );
    return collect(stream);
  }

  it('encrypts and decrypts a 5 MiB stream with an encryption context', async () => {
    const plaintext = randomBytes(5 << 20);
    const ciphertext = await encryptLarge(plaintext);
    expect(ciphertext.length).toBeGreaterThan(plaintext.length);
    const keyring = new KmsKeyringNode({ keyIds: [keyArn], clientProvider });
    const out = await collect(Readable.from([ciphertext]).pipe(decryptUnsignedMessageStream(keyring)));
    expect(createHash('sha256').update(out).digest('hex')).toBe(createHash('sha256').update(plaintext).digest('hex'));
  });

  it('decrypts a message whose header carries the context, with a signed suite too', async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
    const { encrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const { result } = await encrypt(keyring, Buffer.from('signed suite'), { encryptionContext: context });
    const { plaintext, messageHeader } = await decrypt(new KmsKeyringNode({ keyIds: [keyArn], clientProvider }), result);
    expect(plaintext.toString()).toBe('signed suite');
    expect(messageHeader.encryptionContext).toMatchObject(context);
  });

  it('fails to decrypt with a keyring for another key', async () => {
    const ciphertext = await encryptLarge(randomBytes((1 << 20) + 10));
    const wrong = new KmsKeyringNode({ keyIds: [otherArn], clientProvider });
    await expect(collect(Readable.from([ciphertext]).pipe(decryptUnsignedMessageStream(wrong)))).rejects.toThrow();
  });

  it('fails to decrypt tampered data', async () => {
    const ciphertext = await encryptLarge(randomBytes((1 << 20) + 10));
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 100]! ^= 0x01;
    const keyring = new KmsKeyringNode({ keyIds: [keyArn], clientProvider });
    await expect(collect(Readable.from([tampered]).pipe(decryptUnsignedMessageStream(keyring)))).rejects.toThrow();
  });
});
