/**
 * Issue 5, end to end through the `strongroom` binary (bin/strongroom.js → dist/, built by
 * `npm test`): `init --seed` applied twice (the second run changes nothing), then users, roles,
 * identity policies, access keys, rotation and assume-role from the CLI, used against a
 * listening service on the same data directory — and CLI changes made while it runs apply to the
 * very next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, GetKeyPolicyCommand, KMSClient, ListResourceTagsCommand } from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, type TestServer } from '../support/server.js';
import { errorOf } from '../support/errors.js';

const run = promisify(execFile);
const A = TEST_ACCOUNT;
const B = '444455556666';
const ALICE_KEY = { accessKeyId: 'AKIASEEDEDALICE00001', secretAccessKey: 'seeded-alice-secret-0000000001' };

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(dataDir: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/strongroom.js', ...args], {
      env: { ...process.env, STRONGROOM_DATA_DIR: dataDir, STRONGROOM_DEFAULT_ACCOUNT_ID: A },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const lines = (s: string) => s.trim().split('\n').filter(Boolean);
const jsonLines = (s: string) => lines(s).map((l) => JSON.parse(l) as Record<string, unknown>);

const SEED = `
defaults: { account: "${A}", region: us-east-1 }
accounts: ["${A}", ${B}]
principals:
  - user: alice
  - role: deployer
  - { user: carol, account: "${B}" }
policies:
  - user: alice
    name: everything
    document: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "kms:*", Resource: "*" }] }
  - role: deployer
    name: use-keys
    document: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}'
accessKeys:
  - { user: alice, accessKeyId: ${ALICE_KEY.accessKeyId}, secretAccessKey: ${ALICE_KEY.secretAccessKey} }
  - { root: true, account: "${B}", generate: true }
keys:
  - ref: app
    description: application data key
    tags: { team: payments }
    policy:
      Version: "2012-10-17"
      Statement:
        - { Sid: root, Effect: Allow, Principal: { AWS: "arn:aws:iam::${A}:root" }, Action: "kms:*", Resource: "*" }
        - { Sid: b, Effect: Allow, Principal: { AWS: "${B}" }, Action: ["kms:Encrypt", "kms:DescribeKey"], Resource: "*" }
  - { ref: other }
aliases:
  - { name: alias/app, key: app }
`;

describe('strongroom identity CLI and seed file', () => {
  let dir: string;
  let srv: TestServer | undefined;
  const clients: KMSClient[] = [];
  const client = (creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const c = new KMSClient({ region: 'us-east-1', endpoint: srv!.url, maxAttempts: 1, credentials: creds });
    clients.push(c);
    return c;
  };
  let rootBKey: { accessKeyId: string; secretAccessKey: string };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strongroom-idcli-'));
    writeFileSync(join(dir, 'seed.yaml'), SEED);
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a seed file, and a second run changes nothing and creates no duplicates', async () => {
    const first = await cli(dir, 'init', '--seed', join(dir, 'seed.yaml'));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Seed .*seed\.yaml: 11 created, 0 updated, 1 unchanged\./);
    expect(first.stdout).toContain('created key app (arn:aws:kms:us-east-1:');
    const generated = /Generated access key (AKIA[A-Z2-7]{16}) for arn:aws:iam::444455556666:root[^\n]*\n {2}aws_access_key_id {5}= \1\n {2}aws_secret_access_key = (\S+)/.exec(first.stdout);
    expect(generated).not.toBeNull();
    rootBKey = { accessKeyId: generated![1]!, secretAccessKey: generated![2]! };

    const second = await cli(dir, 'init', '--seed', join(dir, 'seed.yaml'));
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/: 0 created, 0 updated, 12 unchanged\./);
    expect(second.stdout).not.toContain('Generated access key');
    expect(jsonLines((await cli(dir, 'user', 'list')).stdout).map((u) => u.UserName)).toEqual(['alice']);
  });

  it('reports seed mistakes with the path and changes nothing after them', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'principals:\n  - { user: "bad name" }\nvaults: []\n');
    const res = await cli(dir, 'init', '--seed', join(dir, 'bad.yaml'));
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('seed: vaults: unknown section');
    writeFileSync(join(dir, 'bad2.yaml'), 'keys:\n  - { ref: x, region: us-east-1, policy: { Statement: [] }, color: red }\n');
    expect((await cli(dir, 'init', '--seed', join(dir, 'bad2.yaml'))).stderr).toContain('seed: keys[0].color: unknown field');
  });

  it('creates and lists accounts; users of a new account go in with --account', async () => {
    const before = jsonLines((await cli(dir, 'account', 'list')).stdout).map((a) => a.AccountId);
    expect(before).toEqual([A, B].sort());
    const created = await cli(dir, 'account', 'create', '777788889999');
    expect(jsonLines(created.stdout)[0]).toMatchObject({ AccountId: '777788889999', RootArn: 'arn:aws:iam::777788889999:root' });
    expect(await cli(dir, 'account', 'create', '777788889999')).toMatchObject({ code: 1, stderr: expect.stringContaining('account 777788889999 already exists') });
    expect(await cli(dir, 'account', 'create', '12345')).toMatchObject({ code: 1, stderr: expect.stringContaining("account id must be 12 digits, got '12345'") });
    expect((await cli(dir, 'account', 'frobnicate')).stderr).toContain('account needs one of create, list');
    expect(jsonLines((await cli(dir, 'account', 'list')).stdout).map((a) => a.AccountId)).toEqual([A, B, '777788889999'].sort());
    expect((await cli(dir, 'user', 'create', 'erin', '--account', '777788889999')).code).toBe(0);
    expect(jsonLines((await cli(dir, 'user', 'list', '--account', '777788889999')).stdout).map((u) => u.Arn)).toEqual(['arn:aws:iam::777788889999:user/erin']);
  });

  it('manages users, roles, identity policies and access keys', async () => {
    expect((await cli(dir, 'user', 'create', 'bob')).code).toBe(0);
    expect(await cli(dir, 'user', 'create', 'bob')).toMatchObject({ code: 1, stderr: expect.stringContaining('user bob already exists') });
    expect((await cli(dir, 'role', 'create', 'ci')).code).toBe(0);
    expect(jsonLines((await cli(dir, 'role', 'list')).stdout).map((r) => r.RoleName)).toEqual(['ci', 'deployer']);

    writeFileSync(join(dir, 'bob.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: '*' }] }));
    const attached = await cli(dir, 'policy', 'attach', '--user', 'bob', '--name', 'use', '--file', join(dir, 'bob.json'));
    expect(jsonLines(attached.stdout)[0]).toMatchObject({ PolicyName: 'use', Result: 'created' });
    expect(jsonLines((await cli(dir, 'policy', 'list', '--user', 'bob')).stdout).map((p) => p.PolicyName)).toEqual(['use']);
    expect(JSON.parse((await cli(dir, 'policy', 'get', '--user', 'bob', '--name', 'use')).stdout).Statement[0].Action).toEqual(['kms:Encrypt', 'kms:DescribeKey']);
    writeFileSync(join(dir, 'bad-policy.json'), '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}');
    expect(await cli(dir, 'policy', 'attach', '--user', 'bob', '--name', 'bad', '--file', join(dir, 'bad-policy.json'))).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Policy document should not specify a principal.'),
    });
    expect((await cli(dir, 'policy', 'attach', '--user', 'nobody', '--name', 'x', '--file', join(dir, 'bob.json'))).stderr).toContain('user nobody does not exist');
    expect((await cli(dir, 'assume-role', '--role', 'deployer', '--session', 's1', '--duration-seconds', '60')).stderr).toContain('--duration-seconds must be');
  });

  it('serves what the seed and the CLI made, and applies CLI changes on the next request', async () => {
    srv = await startTestServer({ env: { STRONGROOM_DATA_DIR: dir } });
    const alice = client(ALICE_KEY);
    const enc = await alice.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('x') }));
    const appArn = enc.KeyId!;
    expect((await alice.send(new DescribeKeyCommand({ KeyId: 'alias/app' }))).KeyMetadata!.Description).toBe('application data key');
    expect((await alice.send(new ListResourceTagsCommand({ KeyId: appArn }))).Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
    expect(JSON.parse((await alice.send(new GetKeyPolicyCommand({ KeyId: appArn }))).Policy!).Statement[1].Sid).toBe('b');
    // The generated root key of account B, through the key policy's cross-account statement.
    await client(rootBKey).send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') }));

    const bobKey = jsonLines((await cli(dir, 'access-key', 'create', '--user', 'bob')).stdout)[0] as { AccessKeyId: string; SecretAccessKey: string; Principal: string };
    expect(bobKey.Principal).toBe(`arn:aws:iam::${A}:user/bob`);
    const bob = client({ accessKeyId: bobKey.AccessKeyId, secretAccessKey: bobKey.SecretAccessKey });
    await bob.send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') }));

    const assumed = JSON.parse((await cli(dir, 'assume-role', '--role', 'deployer', '--session', 'build-42', '--duration-seconds', '900')).stdout) as {
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
      AssumedRoleUser: { Arn: string; AssumedRoleId: string };
    };
    expect(assumed.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${A}:assumed-role/deployer/build-42`);
    expect(assumed.AssumedRoleUser.AssumedRoleId).toMatch(/^AROA[A-Z2-7]+:build-42$/);
    expect(Date.parse(assumed.Credentials.Expiration)).toBeGreaterThan(Date.now());
    const session = client({
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    });
    await session.send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') }));
    expect(await errorOf(session.send(new GenerateDataKeyCommand({ KeyId: appArn, KeySpec: 'AES_256' })))).toMatchObject({
      name: 'AccessDeniedException',
      message: `User: ${assumed.AssumedRoleUser.Arn} is not authorized to perform: kms:GenerateDataKey on resource: ${appArn} because no identity-based policy allows the kms:GenerateDataKey action`,
    });

    // Detach while the service runs: the very next request is denied.
    expect((await cli(dir, 'policy', 'detach', '--user', 'bob', '--name', 'use')).code).toBe(0);
    expect((await errorOf(bob.send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') })))).name).toBe('AccessDeniedException');
    await cli(dir, 'policy', 'attach', '--user', 'bob', '--name', 'use', '--file', join(dir, 'bob.json'));
    await bob.send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') }));

    // Rotation: the new key works, the old one is Inactive at once.
    const rotated = jsonLines((await cli(dir, 'access-key', 'rotate', bobKey.AccessKeyId)).stdout)[0] as { AccessKeyId: string; SecretAccessKey: string; Replaced: string };
    expect(rotated.Replaced).toBe(bobKey.AccessKeyId);
    const bob2 = client({ accessKeyId: rotated.AccessKeyId, secretAccessKey: rotated.SecretAccessKey });
    await bob2.send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') }));
    expect((await errorOf(bob.send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') })))).name).toBe('UnrecognizedClientException');
    const listed = jsonLines((await cli(dir, 'access-key', 'list')).stdout).filter((k) => k.Principal === `arn:aws:iam::${A}:user/bob`);
    expect(listed.map((k) => [k.AccessKeyId, k.Status]).sort()).toEqual([[bobKey.AccessKeyId, 'Inactive'], [rotated.AccessKeyId, 'Active']].sort());

    // Deleting the user removes its keys with it.
    expect((await cli(dir, 'user', 'delete', 'bob')).code).toBe(0);
    expect((await errorOf(bob2.send(new EncryptCommand({ KeyId: appArn, Plaintext: Buffer.from('x') })))).name).toBe('UnrecognizedClientException');
    expect((await cli(dir, 'user', 'delete', 'bob')).stderr).toContain('user bob does not exist');
  });
});
