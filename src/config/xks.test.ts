import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XksConfigError, loadXksFile, xksListenerFromEnv } from './xks.js';

const dir = mkdtempSync(join(tmpdir(), 'strongroom-xks-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AKID = 'BETWEEN2TENAND3TENCHARACTERS';
const SECRET = 'PleaseReplaceThisWithSomeSecretOfLength43To64';
let n = 0;

function file(text: string, name = `xks-${++n}.yaml`): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('XKS config file', () => {
  it('reads YAML with inline and file-held secrets, quotas and the fleet size', () => {
    writeFileSync(join(dir, 'second.key'), `${'B'.repeat(44)}\n`);
    const cfg = loadXksFile(
      file(`fleetSize: 2
tenants:
  - name: example
    uriPathPrefix: /example/uri/path/prefix
    credentials:
      - { accessKeyId: ${AKID}, secretAccessKey: ${SECRET} }
      - { accessKeyId: ABCDEFGHIJKLMNOPQRST, secretAccessKeyFile: second.key }
    quota: { requestsPerSecond: 1800, burst: 3600 }
  - name: root
    credentials: [{ accessKeyId: ${AKID}, secretAccessKey: ${SECRET} }]
`),
    );
    expect(cfg.fleetSize).toBe(2);
    expect(cfg.tenants.map((t) => [t.name, t.uriPathPrefix])).toStrictEqual([['example', '/example/uri/path/prefix'], ['root', '']]);
    const [a, b] = cfg.tenants[0]!.credentials;
    expect(a!.secretAccessKey.toString()).toBe(SECRET);
    expect(b!.secretAccessKey.toString()).toBe('B'.repeat(44));
    expect(cfg.tenants[0]!.quota).toStrictEqual({ requestsPerSecond: 1800, burst: 3600 });
    expect(cfg.files).toContain(join(dir, 'second.key'));
  });

  it('reads JSON too', () => {
    const cfg = loadXksFile(file(JSON.stringify({ tenants: [{ name: 'j', uriPathPrefix: '/j', credentials: [{ accessKeyId: AKID, secretAccessKey: SECRET }] }] }), 'x.json'));
    expect(cfg.tenants[0]!.name).toBe('j');
    expect(cfg.fleetSize).toBe(1);
  });

  const tenant = (over: string) => `tenants:\n  - name: t\n    uriPathPrefix: /t\n${over}`;
  const creds = `    credentials: [{ accessKeyId: ${AKID}, secretAccessKey: ${SECRET} }]\n`;

  it.each([
    ['no tenants', 'tenants: []\n'],
    ['not YAML', 'tenants: [\n'],
    ['a bad tenant name', `tenants:\n  - name: "a b"\n${creds}`],
    ['a prefix with a trailing slash', `tenants:\n  - name: t\n    uriPathPrefix: /t/\n${creds}`],
    ['a prefix with a dot', `tenants:\n  - name: t\n    uriPathPrefix: /a.b\n${creds}`],
    ['an XksProxyUriPath over 128 characters', `tenants:\n  - name: t\n    uriPathPrefix: /${'a'.repeat(117)}\n${creds}`],
    ['no credentials', tenant('    credentials: []\n')],
    ['three credential pairs', tenant(`    credentials: [${Array(3).fill(`{ accessKeyId: ${AKID}, secretAccessKey: ${SECRET} }`).join(', ')}]\n`)],
    ['a lower-case access key id', tenant(`    credentials: [{ accessKeyId: between2tenand3tencharacters, secretAccessKey: ${SECRET} }]\n`)],
    ['an access key id with a 1', tenant(`    credentials: [{ accessKeyId: ABCDEFGHIJKLMNOPQRS1, secretAccessKey: ${SECRET} }]\n`)],
    ['a short secret', tenant(`    credentials: [{ accessKeyId: ${AKID}, secretAccessKey: tooshort }]\n`)],
    ['both secret sources', tenant(`    credentials: [{ accessKeyId: ${AKID}, secretAccessKey: ${SECRET}, secretAccessKeyFile: x }]\n`)],
    ['a missing secret file', tenant(`    credentials: [{ accessKeyId: ${AKID}, secretAccessKeyFile: nope.key }]\n`)],
    ['the same access key id twice', tenant(`    credentials: [{ accessKeyId: ${AKID}, secretAccessKey: ${SECRET} }, { accessKeyId: ${AKID}, secretAccessKey: ${SECRET} }]\n`)],
    ['a zero quota', tenant(`${creds}    quota: { requestsPerSecond: 0 }\n`)],
    ['two tenants on one prefix', `${tenant(creds)}  - name: u\n    uriPathPrefix: /t\n${creds}`],
  ])('rejects %s with a message naming the file', (_what, text) => {
    const p = file(text);
    expect(() => loadXksFile(p)).toThrow(XksConfigError);
    expect(() => loadXksFile(p)).toThrow(p);
  });
});

describe('XKS listener environment', () => {
  const base = { STRONGROOM_XKS_CONFIG: '/etc/strongroom/xks.yaml' };

  it('is off without STRONGROOM_XKS_CONFIG', () => {
    expect(xksListenerFromEnv({}, '127.0.0.1')).toBeUndefined();
  });

  it('configures HTTPS from the certificate and key files, and loopback HTTP', () => {
    const cfg = xksListenerFromEnv(
      { ...base, STRONGROOM_XKS_TLS_CERT: '/c.pem', STRONGROOM_XKS_TLS_KEY: '/k.pem', STRONGROOM_XKS_PORT: '443', STRONGROOM_XKS_HTTP_PORT: '8081' },
      '0.0.0.0',
    );
    expect(cfg).toStrictEqual({
      configPath: '/etc/strongroom/xks.yaml',
      watch: true,
      https: { host: '0.0.0.0', port: 443, certPath: '/c.pem', keyPath: '/k.pem' },
      http: { host: '127.0.0.1', port: 8081 },
    });
  });

  it.each([
    ['no listener', base],
    ['a certificate without a key', { ...base, STRONGROOM_XKS_TLS_CERT: '/c.pem' }],
    ['plain HTTP on a public address', { ...base, STRONGROOM_XKS_HTTP_PORT: '80', STRONGROOM_XKS_HTTP_HOST: '0.0.0.0' }],
    ['listener settings without a config file', { STRONGROOM_XKS_HTTP_PORT: '80' }],
    ['a bad port', { ...base, STRONGROOM_XKS_HTTP_PORT: 'eighty' }],
  ])('rejects %s', (_what, env) => {
    expect(() => xksListenerFromEnv(env, '127.0.0.1')).toThrow(XksConfigError);
  });
});
