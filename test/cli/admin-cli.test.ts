/**
 * The `strongroom` binary and `node dist/main.js` (what `npm start` runs), as separate processes
 * on a fresh data directory: first-start initialisation, access-key management, and that keys
 * created by the CLI work against the running service and stop working once disabled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { KMSClient, ListKeysCommand, CreateKeyCommand } from '@aws-sdk/client-kms';
import { errorOf } from '../support/errors.js';

const run = promisify(execFile);

function cli(dataDir: string, ...args: string[]) {
  return run(process.execPath, ['bin/strongroom.js', ...args], { env: { ...process.env, STRONGROOM_DATA_DIR: dataDir }, timeout: 60_000 });
}

async function startMain(dataDir: string): Promise<{ child: ChildProcess; url: string; stdout: string[] }> {
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, STRONGROOM_DATA_DIR: dataDir, STRONGROOM_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      try {
        const rec = JSON.parse(line) as { msg?: string; url?: string };
        if (rec.msg === 'strongroom listening' && rec.url) resolve(rec.url);
      } catch {
        // the one-time credentials banner is plain text
      }
    });
  });
  return { child, url, stdout };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function client(url: string, accessKeyId: string, secretAccessKey: string): KMSClient {
  return new KMSClient({ region: 'us-east-1', endpoint: url, maxAttempts: 1, credentials: { accessKeyId, secretAccessKey } });
}

describe('strongroom CLI and first start', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'strongroom-cli-'));
  });
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('initialises an empty data directory once and writes the credentials file', async () => {
    const first = await cli(dataDir, 'init');
    expect(first.stdout).toMatch(/Created access key AKIA[A-Z2-7]{16} for account 111122223333/);
    const creds = readFileSync(join(dataDir, 'credentials'), 'utf8');
    expect(creds).toMatch(/^\[strongroom\]\naws_access_key_id = AKIA[A-Z2-7]{16}\naws_secret_access_key = \S{40}\n$/);
    expect(statSync(join(dataDir, 'credentials')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'strongroom.db'))).toBe(true);
    const second = await cli(dataDir, 'init');
    expect(second.stdout).not.toContain('Created access key');
    expect(readFileSync(join(dataDir, 'credentials'), 'utf8')).toBe(creds);
  });

  it('installs exactly the bootstrap access key, idempotently, and refuses a start whose variables disagree with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strongroom-bootstrap-'));
    const boot = (secret: string, account = '444455556666') =>
      run(process.execPath, ['bin/strongroom.js', 'init'], {
        env: {
          ...process.env,
          STRONGROOM_DATA_DIR: dir,
          STRONGROOM_BOOTSTRAP_ACCOUNT_ID: account,
          STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID: 'AKIABOOTSTRAPTEST001',
          STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY: secret,
        },
        timeout: 60_000,
      });
    try {
      await boot('bootstrap-secret-number-one-0000000000');
      await boot('bootstrap-secret-number-one-0000000000');
      expect(existsSync(join(dir, 'credentials'))).toBe(false);
      const listed = (await run(process.execPath, ['bin/strongroom.js', 'access-key', 'list', '--account', '444455556666'], { env: { ...process.env, STRONGROOM_DATA_DIR: dir } })).stdout;
      expect(listed.match(/AKIABOOTSTRAPTEST001/g)).toHaveLength(1);
      const changedSecret = await boot('bootstrap-secret-number-two-0000000000').catch((e: { code: number; stderr: string }) => e);
      expect(changedSecret).toMatchObject({ code: 1 });
      const stderr = (changedSecret as { stderr: string }).stderr;
      expect(stderr).toContain('AKIABOOTSTRAPTEST001 already exists for arn:aws:iam::444455556666:root with a different secret');
      expect(stderr).not.toMatch(/bootstrap-secret-number-(one|two)/);
      const otherAccount = await boot('bootstrap-secret-number-one-0000000000', '777788889999').catch((e: { code: number; stderr: string }) => e);
      expect((otherAccount as { stderr: string }).stderr).toContain('with a different principal');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates, lists, disables, enables and deletes access keys that the running service honours', async () => {
    const created = JSON.parse((await cli(dataDir, 'access-key', 'create')).stdout) as { AccessKeyId: string; SecretAccessKey: string; Principal: string };
    expect(created.Principal).toBe('arn:aws:iam::111122223333:root');
    const listed = (await cli(dataDir, 'access-key', 'list')).stdout;
    expect(listed).toContain(created.AccessKeyId);
    expect(listed).not.toContain(created.SecretAccessKey);

    const { child, url, stdout } = await startMain(dataDir);
    try {
      // Not a first start: no new credentials banner.
      expect(stdout.join('\n')).not.toContain('initialised account');
      const kms = client(url, created.AccessKeyId, created.SecretAccessKey);
      await kms.send(new CreateKeyCommand({}));
      expect((await kms.send(new ListKeysCommand({}))).Keys!.length).toBe(1);
      await cli(dataDir, 'access-key', 'disable', created.AccessKeyId);
      expect((await errorOf(kms.send(new ListKeysCommand({})))).name).toBe('UnrecognizedClientException');
      await cli(dataDir, 'access-key', 'enable', created.AccessKeyId);
      expect((await kms.send(new ListKeysCommand({}))).Keys!.length).toBe(1);
      await cli(dataDir, 'access-key', 'delete', created.AccessKeyId);
      expect((await errorOf(kms.send(new ListKeysCommand({})))).name).toBe('UnrecognizedClientException');
      kms.destroy();
    } finally {
      await stop(child);
    }
    await expect(cli(dataDir, 'access-key', 'delete', created.AccessKeyId)).rejects.toMatchObject({ code: 1 });
    await expect(cli(dataDir, 'no-such-command')).rejects.toMatchObject({ code: 2 });
  });

  it('prints the generated credentials once on the first start of dist/main.js and serves with them', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'strongroom-start-'));
    try {
      const { child, url, stdout } = await startMain(fresh);
      try {
        const banner = stdout.join('\n');
        const id = /aws_access_key_id {5}= (AKIA[A-Z2-7]{16})/.exec(banner)?.[1];
        const secret = /aws_secret_access_key = (\S+)/.exec(banner)?.[1];
        expect(id).toBeDefined();
        expect(banner).toContain(`--endpoint-url ${url}`);
        const kms = client(url, id!, secret!);
        expect((await kms.send(new ListKeysCommand({}))).Keys).toEqual([]);
        kms.destroy();
        const ready = await fetch(`${url}/readyz`);
        expect(ready.status).toBe(200);
      } finally {
        await stop(child);
      }
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});
