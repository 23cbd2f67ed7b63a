/**
 * Issue 9: `strongroom xks …` (run in-process against a real data directory: managed SoftHSM
 * token and SQLite file, both storage modes) and the seed file's `xksKeys:` section.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xksCommand } from '../../src/cli/xks.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { createLogger } from '../../src/log/logger.js';
import { openBackends } from '../../src/service.js';
import { applyXksKeysSeed } from '../../src/kms/xks/seed.js';
import { XksKeyAdminError } from '../../src/kms/xks/keys.js';

const AKID_OLD = 'BETWEEN2TENAND3TENCHARACTERS';
const SECRET_OLD = 'PleaseReplaceThisWithSomeSecretOfLength43To64';
const AKID_NEW = 'ABCDEFGHIJKLMNOPQRSTUVWX';
const SECRET_NEW = 'FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE';

function sink(): { stream: Writable; text(): string } {
  let s = '';
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        s += String(chunk);
        cb();
      },
    }),
    text: () => s,
  };
}

describe.each(['wrapped', 'token'] as const)('strongroom xks (%s storage)', (mode) => {
  const dir = mkdtempSync(join(tmpdir(), 'strongroom-xks-cli-'));
  let config: Config;

  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string; json: Array<Record<string, unknown>> }> {
    const out = sink();
    const err = sink();
    const code = await xksCommand(config, createLogger('silent'), args, { out: out.stream, err: err.stream });
    // JSON lines, except config-download, which prints one pretty-printed document.
    let json: Array<Record<string, unknown>> = [];
    try {
      json = out
        .text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    } catch {
      json = [];
    }
    return { code, out: out.text(), err: err.text(), json };
  }

  beforeAll(() => {
    writeFileSync(
      join(dir, 'xks.yaml'),
      `tenants:\n  - name: example\n    uriPathPrefix: /example/uri/path/prefix\n    credentials:\n` +
        `      - { accessKeyId: ${AKID_OLD}, secretAccessKey: ${SECRET_OLD} }\n      - { accessKeyId: ${AKID_NEW}, secretAccessKey: ${SECRET_NEW} }\n`,
    );
    config = loadConfig({
      STRONGROOM_DATA_DIR: join(dir, 'data'),
      STRONGROOM_KEY_STORAGE: mode,
      STRONGROOM_XKS_CONFIG: join(dir, 'xks.yaml'),
      STRONGROOM_XKS_HTTP_PORT: '0',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates, lists, disables, enables, restricts and rotates external keys', async () => {
    const created = await cli('key', 'create', '--tenant', 'example', '--id', 'foo', '--description', 'for EBS');
    expect(created.code).toBe(0);
    expect(created.json[0]).toMatchObject({ Tenant: 'example', ExternalKeyId: 'foo', KeyStatus: 'ENABLED', KeyUsage: ['ENCRYPT', 'DECRYPT', 'WRAP', 'UNWRAP'], MaterialVersion: 1, Description: 'for EBS' });
    const random = await cli('key', 'create', '--tenant', 'example', '--usage', 'ENCRYPT', '--disabled');
    expect(random.json[0]).toMatchObject({ KeyStatus: 'DISABLED', KeyUsage: ['ENCRYPT'] });
    expect(String(random.json[0]!.ExternalKeyId)).toMatch(/^[0-9a-f-]{36}$/);

    expect((await cli('key', 'disable', '--tenant', 'example', 'foo')).json[0]!.KeyStatus).toBe('DISABLED');
    expect((await cli('key', 'enable', '--tenant', 'example', 'foo')).json[0]!.KeyStatus).toBe('ENABLED');
    expect((await cli('key', 'restrict-usage', '--tenant', 'example', '--usage', 'DECRYPT', 'foo')).json[0]!.KeyUsage).toStrictEqual(['DECRYPT']);
    expect((await cli('key', 'restrict-usage', '--tenant', 'example', '--usage', '', 'foo')).json[0]!.KeyUsage).toStrictEqual([]);
    expect((await cli('key', 'rotate', '--tenant', 'example', 'foo')).json[0]!.MaterialVersion).toBe(2);

    const list = await cli('key', 'list', '--tenant', 'example');
    expect(list.json.map((k) => k.ExternalKeyId).sort()).toStrictEqual([random.json[0]!.ExternalKeyId, 'foo'].sort());
  });

  it('sets and clears secondary-authorization rules from a file', async () => {
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify([{ sid: 'ebs-only', viaServices: ['ebs'] }]));
    expect((await cli('key', 'set-rules', '--tenant', 'example', '--rules', rules, 'foo')).json[0]!.Rules).toStrictEqual(['ebs-only']);
    expect((await cli('key', 'set-rules', '--tenant', 'example', '--clear', 'foo')).json[0]!.Rules).toStrictEqual([]);
    writeFileSync(rules, JSON.stringify([{ sid: 'bad sid' }]));
    const bad = await cli('key', 'set-rules', '--tenant', 'example', '--rules', rules, 'foo');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('invalid rules');
  });

  it('refuses bad input with a message and a non-zero status, changing nothing', async () => {
    const dup = await cli('key', 'create', '--tenant', 'example', '--id', 'foo');
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('already exists');
    for (const args of [
      ['key', 'create', '--tenant', 'example', '--id', 'bad/id'],
      ['key', 'create', '--tenant', 'example', '--usage', 'ENCRYPT,FLY'],
      ['key', 'disable', '--tenant', 'example', 'missing'],
      ['key', 'restrict-usage', '--tenant', 'example', 'foo'],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toMatch(/^strongroom: /);
    }
    expect((await cli('key', 'disable', 'foo')).code).toBe(2); // no --tenant
    expect((await cli('key', 'explode', '--tenant', 'example', 'foo')).code).toBe(2);
    expect((await cli('nonsense')).code).toBe(2);
    expect((await cli('key', 'list', '--bogus')).code).toBe(2);
  });

  it('warns when a key is created for a tenant the XKS config file does not list yet', async () => {
    const r = await cli('key', 'create', '--tenant', 'later', '--id', 'k');
    expect(r.code).toBe(0);
    expect(r.err).toContain('tenant later is not in');
  });

  it('prints the AWS KMS console config file: XksProxyUriPath and the newest credential, or the one named', async () => {
    const r = await cli('config-download', '--tenant', 'example');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toStrictEqual({
      XksProxyUriPath: '/example/uri/path/prefix/kms/xks/v1',
      XksProxyAuthenticationCredential: { AccessKeyId: AKID_NEW, RawSecretAccessKey: SECRET_NEW },
    });
    const old = await cli('config-download', '--tenant', 'example', '--access-key-id', AKID_OLD);
    expect(JSON.parse(old.out).XksProxyAuthenticationCredential.RawSecretAccessKey).toBe(SECRET_OLD);
    expect((await cli('config-download', '--tenant', 'nobody')).code).toBe(1);
  });

  it('generates credential pairs in the spec format', async () => {
    const { json } = await cli('credential', 'new');
    expect(json[0]!.accessKeyId).toMatch(/^[A-Z2-7]{20,30}$/);
    expect(json[0]!.secretAccessKey).toMatch(/^[A-Za-z0-9+/=]{43,64}$/);
    expect(Buffer.from(String(json[0]!.secretAccessKey), 'base64')).toHaveLength(32);
  });

  it('applies the seed file section idempotently, converging existing keys and validating everything first', async () => {
    const backends = await openBackends(config, createLogger('silent'));
    try {
      const { store, hsm } = backends;
      const entries = [
        { tenant: 'example', externalKeyId: 'seeded', usages: ['ENCRYPT', 'DECRYPT'], rules: [{ sid: 'r1', principals: ['*'] }] },
        { tenant: 'example', externalKeyId: 'foo', status: 'DISABLED' },
      ];
      expect(await applyXksKeysSeed(store, hsm, entries)).toStrictEqual({ created: ['example/seeded'], updated: ['example/foo'], unchanged: [] });
      expect(await applyXksKeysSeed(store, hsm, entries)).toStrictEqual({ created: [], updated: [], unchanged: ['example/seeded', 'example/foo'] });
      expect(await store.xksKeys.get('example', 'seeded')).toMatchObject({ usages: ['ENCRYPT', 'DECRYPT'], rules: { rules: [{ sid: 'r1', effect: 'Allow', principals: ['*'] }] } });
      expect((await store.xksKeys.get('example', 'foo'))?.status).toBe('DISABLED');
      expect((await applyXksKeysSeed(store, hsm, [{ tenant: 'example', externalKeyId: 'seeded', rules: null }])).updated).toStrictEqual(['example/seeded']);
      expect((await store.xksKeys.get('example', 'seeded'))?.rules).toBeUndefined();

      for (const bad of [
        [{ tenant: 'example', externalKeyId: 'new-1' }, { tenant: 'example', externalKeyId: 'x', usages: ['NOPE'] }],
        [{ tenant: 'example', externalKeyId: 'new-1' }, { tenant: 'example', externalKeyId: 'new-1' }],
        [{ tenant: 'example', externalKeyId: 'new-1', colour: 'red' }],
        [{ tenant: 'bad tenant', externalKeyId: 'new-1' }],
        'not a list',
      ]) {
        await expect(applyXksKeysSeed(store, hsm, bad)).rejects.toBeInstanceOf(XksKeyAdminError);
      }
      expect(await store.xksKeys.get('example', 'new-1')).toBeUndefined();
    } finally {
      await backends.close();
    }
  });
});
