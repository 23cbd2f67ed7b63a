/**
 * Issue 6: no plaintext, data key, ciphertext, random bytes, secret access key or PIN anywhere in
 * the audit store (the SQLite file bytes, WAL included), the sink file or the log; encryption
 * contexts as HMACs in hmac mode; the sink holds the same verifiable JSON Lines as the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generateKeyPairSync } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeriveSharedSecretCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateMacCommand,
  GenerateRandomCommand,
  ReEncryptCommand,
  SignCommand,
  VerifyCommand,
  VerifyMacCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';
import { signedPost } from '../support/raw.js';
import { errorOf } from '../support/errors.js';
import { auditEvents, auditRows, eventOf } from '../support/audit.js';
import { createAccessKey, ensureAccountRoot } from '../../src/kms/identity/access-keys.js';
import { verifyChains } from '../../src/audit/verify.js';
import { fileSource } from '../../src/audit/verify-sources.js';
import { publicKeyFingerprint, signingKeyObject } from '../../src/audit/digest.js';

function capture(): { stream: Writable; text(): string } {
  const lines: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
    text: () => lines.join(''),
  };
}

/** Every file of the SQLite database, as bytes (latin1 keeps each byte one character). */
function databaseBytes(srv: TestServer): string {
  return ['', '-wal', '-shm']
    .map((s) => `${srv.config.sqlitePath}${s}`)
    .filter(existsSync)
    .map((p) => readFileSync(p).toString('latin1'))
    .join('\n');
}

function forms(secret: Buffer | string): string[] {
  const b = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
  return [b.toString('latin1'), b.toString('base64'), b.toString('hex'), b.toString('base64url')];
}

describe('no sensitive value in the audit trail or the log', () => {
  let srv: TestServer;
  const log = capture();
  const secrets: Array<[string, Buffer | string]> = [];
  let sinkDir: string;

  beforeAll(async () => {
    sinkDir = mkdtempSync(join(tmpdir(), 'strongroom-sink-'));
    srv = await startTestServer({ log: { level: 'trace', destination: log.stream }, env: { STRONGROOM_AUDIT_SINK_FILE: join(sinkDir, 'audit.jsonl') } });
  });
  afterAll(async () => {
    await srv?.close().catch(() => {});
    rmSync(sinkDir, { recursive: true, force: true });
  });

  it('exercises every secret-carrying path, then finds none of the secrets in store, sink or log', async () => {
    const kms = srv.kms();
    const plaintext = Buffer.from(`PLAINTEXT-${Date.now()}-do-not-log`);
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const key2 = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const enc = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { who: 'me' } }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { who: 'me' } }));
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    const rnd = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 48 }));
    const re = await kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { who: 'me' }, DestinationKeyId: key2 }));
    await errorOf(kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { who: 'other' } })));
    await errorOf(srv.kms({ secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret' }).send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext })));
    const raw = await signedPost(srv.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: plaintext.toString('base64') }));
    expect(raw.status).toBe(200);
    // A second principal's secret, used once.
    const otherSecret = `other-secret-${Date.now()}-0123456789`;
    const root = await ensureAccountRoot(srv.svc.deps.store, 'aws', '777788889999', Date.now());
    await createAccessKey(srv.svc.deps.store, srv.svc.deps.hsm, root, { accessKeyId: 'AKIAAUDITSECRETS0001', secretAccessKey: otherSecret }, Date.now());
    await srv.kms({ accessKeyId: 'AKIAAUDITSECRETS0001', secretAccessKey: otherSecret }).send(new GenerateRandomCommand({ NumberOfBytes: 16 }));
    // Asymmetric and HMAC paths: messages, MACs, signatures, private keys and shared secrets.
    const message = Buffer.from(`MESSAGE-${Date.now()}-signed-and-maced-never-logged`);
    const signer = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.KeyId!;
    const sig = await kms.send(new SignCommand({ KeyId: signer, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));
    await kms.send(new VerifyCommand({ KeyId: signer, Message: message, Signature: sig.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
    const hmacKey = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!.KeyId!;
    const mac = await kms.send(new GenerateMacCommand({ KeyId: hmacKey, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    await kms.send(new VerifyMacCommand({ KeyId: hmacKey, Message: message, Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_256' }));
    const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId: keyId, KeyPairSpec: 'ECC_NIST_P256' }));
    const agreer = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' }))).KeyMetadata!.KeyId!;
    const peer = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    const shared = await kms.send(new DeriveSharedSecretCommand({ KeyId: agreer, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }));
    kms.destroy();

    secrets.push(
      ['plaintext', plaintext],
      ['decrypted plaintext', Buffer.from(dec.Plaintext!)],
      ['data key', Buffer.from(dk.Plaintext!)],
      ['encrypted data key', Buffer.from(dk.CiphertextBlob!)],
      ['ciphertext', Buffer.from(enc.CiphertextBlob!)],
      ['re-encrypted ciphertext', Buffer.from(re.CiphertextBlob!)],
      ['random bytes', Buffer.from(rnd.Plaintext!)],
      ['signed and MACed message', message],
      ['signature', Buffer.from(sig.Signature!)],
      ['MAC', Buffer.from(mac.Mac!)],
      ['data key pair private key', Buffer.from(pair.PrivateKeyPlaintext!)],
      ['encrypted data key pair private key', Buffer.from(pair.PrivateKeyCiphertextBlob!)],
      ['shared secret', Buffer.from(shared.SharedSecret!)],
      ['secret access key', TEST_SECRET],
      ['second secret access key', otherSecret],
      ['PIN', readFileSync(srv.config.hsm.pinFile!, 'utf8').trim()],
      ['SO PIN', readFileSync(join(srv.config.dataDir, 'softhsm', 'so.pin'), 'utf8').trim()],
    );
    // The records are there (so the scan below is looking at a populated audit table).
    expect((await auditEvents(srv)).length).toBeGreaterThanOrEqual(20);
    await srv.svc.audit.log.digests.writeNow('test');
    const haystacks: Array<[string, string]> = [
      ['SQLite file', databaseBytes(srv)],
      ['audit rows', JSON.stringify(await auditRows(srv))],
      ['sink file', readFileSync(srv.config.audit.sinkFile!, 'latin1')],
      ['log', log.text()],
    ];
    for (const [where, hay] of haystacks) {
      for (const [name, secret] of secrets) {
        for (const f of forms(secret)) expect(hay.includes(f), `${where} contains the ${name}`).toBe(false);
      }
    }
    expect(log.text()).not.toContain('AWS4-HMAC-SHA256 Credential=');
  });
});

describe('audit sink and encryption contexts as HMACs', () => {
  let srv: TestServer;
  let kms: KMSClient;
  let sinkFile: string;
  let sinkDir: string;

  beforeAll(async () => {
    sinkDir = mkdtempSync(join(tmpdir(), 'strongroom-sink-'));
    sinkFile = join(sinkDir, 'audit.jsonl');
    srv = await startTestServer({ env: { STRONGROOM_AUDIT_EC_MODE: 'hmac', STRONGROOM_AUDIT_SINK_FILE: sinkFile } });
    kms = srv.kms();
  });
  afterAll(async () => {
    kms?.destroy();
    await srv?.close();
    rmSync(sinkDir, { recursive: true, force: true });
  });

  it('records context values as HMAC-SHA256 under the token key, equal for equal pairs', async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const secretValue = `apollo-${Date.now()}`;
    const a = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { project: secretValue, env: 'prod' } }));
    const b = await kms.send(new DecryptCommand({ CiphertextBlob: a.CiphertextBlob, EncryptionContext: { project: secretValue, env: 'prod' } }));
    const c = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { env: secretValue } }));
    const ecOf = async (id: string | undefined) => ((await eventOf(srv, id)).requestParameters as { encryptionContext: Record<string, string> }).encryptionContext;
    const ea = await ecOf(a.$metadata.requestId);
    expect(Object.keys(ea).sort()).toStrictEqual(['env', 'project']);
    expect(ea.project).toMatch(/^hmac-sha256:[A-Za-z0-9+/]{43}=$/);
    expect(await ecOf(b.$metadata.requestId)).toStrictEqual(ea);
    // Keyed by the pair: the same value under another key gives another HMAC.
    expect((await ecOf(c.$metadata.requestId)).env).not.toBe(ea.project);
    expect(JSON.stringify(await auditRows(srv))).not.toContain(secretValue);
    expect(databaseBytes(srv)).not.toContain(secretValue);
    expect(readFileSync(sinkFile, 'utf8')).not.toContain(secretValue);
  });

  it('writes the same records to the sink file as JSON Lines that verify offline', async () => {
    await srv.svc.audit.log.digests.writeNow('test');
    const text = readFileSync(sinkFile, 'utf8');
    const lines = text.trim().split('\n');
    const rows = await auditRows(srv);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.strongroomChain !== undefined);
    expect(records.map((r) => r.eventID)).toStrictEqual(rows.map((r) => r.eventId));
    expect(records[0]).toMatchObject({ eventVersion: '1.08', eventSource: 'kms.amazonaws.com', strongroomChain: { nodeId: srv.config.audit.nodeId, sequence: 1 } });
    expect(lines.some((l) => l.startsWith('{"strongroomDigest":'))).toBe(true);
    const spki = await srv.svc.deps.hsm.audit.publicKey();
    const report = await verifyChains(fileSource(text), signingKeyObject(spki), publicKeyFingerprint(spki));
    expect(report.problems).toStrictEqual([]);
    expect(report.nodes[0]).toMatchObject({ records: rows.length, signedThrough: rows.length });
  });
});
