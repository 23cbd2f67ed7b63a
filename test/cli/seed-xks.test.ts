/** The seed file's `xksKeys:` section through `strongroom init --seed`, applied twice. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('seed file xksKeys section', () => {
  let dir: string;
  const env = () => ({ ...process.env, STRONGROOM_DATA_DIR: dir });
  const cli = (...args: string[]) => run(process.execPath, ['bin/strongroom.js', ...args], { env: env(), timeout: 60_000 });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strongroom-seed-xks-'));
    writeFileSync(
      join(dir, 'seed.yaml'),
      'xksKeys:\n  - { tenant: example, externalKeyId: ebs-key, usages: [ENCRYPT, DECRYPT], description: for EBS }\n  - { tenant: example, externalKeyId: off-key, status: DISABLED }\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the external keys once and changes nothing on a second run', async () => {
    const first = await cli('init', '--seed', join(dir, 'seed.yaml'));
    expect(first.stdout).toMatch(/2 created, 0 updated/);
    const second = await cli('init', '--seed', join(dir, 'seed.yaml'));
    expect(second.stdout).toMatch(/0 created, 0 updated, 2 unchanged/);
    const listed = (await cli('xks', 'key', 'list', '--tenant', 'example')).stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(listed.map((k) => [k.ExternalKeyId, k.KeyStatus])).toEqual([
      ['ebs-key', 'ENABLED'],
      ['off-key', 'DISABLED'],
    ]);
  });

  it('names the offending entry of a bad section', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'xksKeys:\n  - { tenant: example }\n');
    await expect(cli('init', '--seed', join(dir, 'bad.yaml'))).rejects.toMatchObject({ stderr: expect.stringContaining('seed: xksKeys') });
  });
});
