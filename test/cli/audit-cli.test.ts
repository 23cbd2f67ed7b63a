/**
 * `strongroom audit verify | export | public-key` as separate processes (bin/strongroom.js) on the
 * data directory of a service that ran: verification from the database and, offline, from an
 * export; tampering in either names the record and exits 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { CreateKeyCommand, EncryptCommand } from '@aws-sdk/client-kms';
import { startTestServer, type TestServer } from '../support/server.js';
import { ManualClock } from '../support/clock.js';
import { publicKeyFingerprint } from '../../src/audit/digest.js';

const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('strongroom audit CLI', () => {
  let srv: TestServer;
  let dataDir: string;
  let work: string;
  let nodeId: string;
  let fingerprint: string;
  let splitAt: number;
  const clock = new ManualClock();

  async function cli(...args: string[]): Promise<Result> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/strongroom.js', 'audit', ...args], {
        env: { ...process.env, STRONGROOM_DATA_DIR: dataDir },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'strongroom-audit-cli-'));
    srv = await startTestServer({ clock });
    dataDir = srv.config.dataDir;
    nodeId = srv.config.audit.nodeId;
    const kms = srv.kms();
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    for (let i = 0; i < 3; i += 1) await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(`a${i}`) }));
    await srv.svc.audit.log.digests.writeNow('test');
    clock.advance(3_600_000);
    splitAt = clock.now();
    for (let i = 0; i < 3; i += 1) await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(`b${i}`) }));
    kms.destroy();
    fingerprint = publicKeyFingerprint(await srv.svc.deps.hsm.audit.publicKey());
    // Stop the service (the shutdown digest covers the tail) but keep its data directory.
    await srv.svc.close();
  }, 180_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('prints the digest signing key as PEM, or writes its DER, with its fingerprint', async () => {
    const pem = await cli('public-key');
    expect(pem.code).toBe(0);
    expect(pem.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pem.stderr).toContain(fingerprint);
    const der = await cli('public-key', '--out', join(work, 'audit.der'));
    expect(der.code).toBe(0);
    const spki = readFileSync(join(work, 'audit.der'));
    expect(publicKeyFingerprint(spki)).toBe(fingerprint);
    expect(createPublicKey(pem.stdout).export({ format: 'der', type: 'spki' })).toStrictEqual(spki);
  });

  it('verifies the database', async () => {
    const r = await cli('verify');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain(`node ${nodeId}: 7 records (seq 1..7), 2 digests, signed through seq 7`);
    expect(r.stdout).toContain('audit trail verified');
  });

  it('exports JSON Lines that verify offline with the public key, and names an altered line', async () => {
    const file = join(work, 'all.jsonl');
    const exp = await cli('export', '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--out', file);
    expect(exp).toMatchObject({ code: 0, stderr: 'exported 7 records and 2 digests\n' });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(9);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({ eventVersion: '1.08', eventName: 'CreateKey', strongroomChain: { version: 1, nodeId, sequence: 1 } });
    const ok = await cli('verify', '--file', file, '--public-key', join(work, 'audit.der'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('audit trail verified');

    const tampered = join(work, 'tampered.jsonl');
    const victim = JSON.parse(lines[2]!) as Record<string, unknown>;
    lines[2] = lines[2]!.replace('"eventName":"Encrypt"', '"eventName":"Decrypt"');
    writeFileSync(tampered, `${lines.join('\n')}\n`);
    const bad = await cli('verify', '--file', tampered, '--public-key', join(work, 'audit.der'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`FIRST PROBLEM: node ${nodeId}: record at line 3 (eventID ${victim.eventID as string}) was altered`);
  });

  it('exports a time range with the digests that anchor and sign it', async () => {
    const file = join(work, 'later.jsonl');
    const exp = await cli('export', '--from', new Date(splitAt - 1000).toISOString(), '--to', '2100-01-01T00:00:00Z', '--out', file);
    expect(exp.stderr).toBe('exported 3 records and 2 digests\n');
    const r = await cli('verify', '--file', file, '--public-key', join(work, 'audit.der'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('chain starts at seq 5, anchored by the signed digest covering seq 4');
  });

  it('names the first altered record of the database and exits 1', async () => {
    const db = new Database(srv.config.sqlitePath);
    const victim = db.prepare('SELECT event_id FROM audit_records WHERE seq = 6').pluck().get() as string;
    db.prepare(`UPDATE audit_records SET body = replace(body, '"readOnly":true', '"readOnly":false') WHERE seq = 6`).run();
    db.close();
    const r = await cli('verify');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FIRST PROBLEM: node ${nodeId}: record at seq 6 (eventID ${victim}) was altered`);
    expect(r.stderr).toContain('audit trail verification FAILED');
  });

  it('refuses bad arguments with exit code 2', async () => {
    expect((await cli('export', '--from', 'yesterday')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
  });
});
