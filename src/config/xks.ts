/**
 * XKS proxy configuration. Two parts:
 *  - the listeners, from the environment at start (STRONGROOM_XKS_*; see xksListenerFromEnv);
 *  - the tenants, from the XKS config file (JSON or YAML, STRONGROOM_XKS_CONFIG), which is read
 *    again on SIGHUP or when it changes, so credentials rotate without a restart
 *    (XKS proxy API spec v1.0.3, "SigV4 credentials rotation").
 *
 *   fleetSize: 1                          # xksProxyFleetSize in GetHealthStatus (default 1)
 *   tenants:
 *     - name: example                     # [A-Za-z0-9_-]{1,64}; external keys belong to a tenant
 *       uriPathPrefix: /example/uri/path/prefix   # "" = none; XksProxyUriPath = prefix + /kms/xks/v1
 *       credentials:                      # one or two pairs (two while rotating)
 *         - accessKeyId: BETWEEN2TENAND3TENCHARACTERS
 *           secretAccessKey: PleaseReplaceThisWithSomeSecretOfLength43To64
 *         - accessKeyId: ...
 *           secretAccessKeyFile: secrets/example-2.key   # relative to this file
 *       quota: { requestsPerSecond: 1800, burst: 3600 }  # optional → ThrottlingException
 *
 * Secrets are returned as Buffers; whoever builds signing keys from them zeroes them.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { intVar, type Env } from './int-var.js';

export class XksConfigError extends Error {}

export interface XksListenerConfig {
  /** STRONGROOM_XKS_CONFIG, absolute. */
  configPath: string;
  /** The HTTPS listener (TLS 1.2+, AEAD suites only): STRONGROOM_XKS_TLS_CERT / _KEY / _PORT / _HOST. */
  https?: { host: string; port: number; certPath: string; keyPath: string };
  /** Plain HTTP for loopback testing only: STRONGROOM_XKS_HTTP_PORT / _HTTP_HOST. */
  http?: { host: string; port: number };
  /** Reload when the config file (or a secret file it names) changes; SIGHUP always reloads. */
  watch: boolean;
}

export interface XksCredentialConfig {
  accessKeyId: string;
  secretAccessKey: Buffer;
  /** Where the secret came from (for messages; never the secret itself). */
  source: string;
}

export interface XksTenantConfig {
  name: string;
  /** '' or '/seg/seg…' without a trailing slash. */
  uriPathPrefix: string;
  credentials: XksCredentialConfig[];
  quota?: { requestsPerSecond: number; burst: number };
}

export interface XksFileConfig {
  fleetSize: number;
  tenants: XksTenantConfig[];
  /** Files the config was read from (the config file and every secret file), for the watcher. */
  files: string[];
}

export const XKS_PATH_SUFFIX = '/kms/xks/v1';
const TENANT_RE = /^[A-Za-z0-9_-]{1,64}$/;
// XKS proxy API spec, Appendix A: access key id 20-30 of [A-Z2-7]; secret 43-64 of [A-Za-z0-9+/=].
const ACCESS_KEY_ID_RE = /^[A-Z2-7]{20,30}$/;
const SECRET_RE = /^[A-Za-z0-9+/=]{43,64}$/;
// XksProxyUriPath: at most 128 characters of [a-zA-Z0-9/_-], ending in /kms/xks/v1.
const PREFIX_RE = /^(?:\/[A-Za-z0-9_-]+)*$/;
const MAX_URI_PATH = 128;
const LOOPBACK = /^(?:127(?:\.\d{1,3}){3}|::1|localhost)$/;

function port(env: Env, name: string, def: number): number {
  return intVar(env, name, def, 0, 65535, (m) => new XksConfigError(m));
}

/** The listener part, from the environment; undefined when STRONGROOM_XKS_CONFIG is unset. */
export function xksListenerFromEnv(env: Env, defaultHost: string): XksListenerConfig | undefined {
  const configPath = env.STRONGROOM_XKS_CONFIG || undefined;
  const cert = env.STRONGROOM_XKS_TLS_CERT || undefined;
  const key = env.STRONGROOM_XKS_TLS_KEY || undefined;
  const httpPort = env.STRONGROOM_XKS_HTTP_PORT || undefined;
  if (!configPath) {
    if (cert || key || httpPort) throw new XksConfigError('STRONGROOM_XKS_TLS_* / STRONGROOM_XKS_HTTP_PORT need STRONGROOM_XKS_CONFIG');
    return undefined;
  }
  if (Boolean(cert) !== Boolean(key)) throw new XksConfigError('STRONGROOM_XKS_TLS_CERT and STRONGROOM_XKS_TLS_KEY must be set together');
  if (!cert && !httpPort) {
    throw new XksConfigError('STRONGROOM_XKS_CONFIG needs an XKS listener: STRONGROOM_XKS_TLS_CERT and _KEY (HTTPS) or STRONGROOM_XKS_HTTP_PORT');
  }
  const out: XksListenerConfig = { configPath: resolve(configPath), watch: env.STRONGROOM_XKS_WATCH !== '0' };
  if (cert && key) {
    out.https = { host: env.STRONGROOM_XKS_HOST || defaultHost, port: port(env, 'STRONGROOM_XKS_PORT', 8443), certPath: resolve(cert), keyPath: resolve(key) };
  }
  if (httpPort) {
    const host = env.STRONGROOM_XKS_HTTP_HOST || '127.0.0.1';
    // The XKS API carries plaintext data keys: without TLS it stays on this machine.
    if (!LOOPBACK.test(host)) throw new XksConfigError(`STRONGROOM_XKS_HTTP_HOST must be a loopback address (plain HTTP is for local testing), got '${host}'`);
    out.http = { host, port: port(env, 'STRONGROOM_XKS_HTTP_PORT', 0) };
  }
  return out;
}

function fail(path: string, msg: string): never {
  throw new XksConfigError(`${path}: ${msg}`);
}

function secretOf(path: string, where: string, c: Record<string, unknown>, files: string[]): { secret: Buffer; source: string } {
  let text: string;
  let source: string;
  if (typeof c.secretAccessKey === 'string' && c.secretAccessKeyFile === undefined) {
    text = c.secretAccessKey;
    source = path;
  } else if (typeof c.secretAccessKeyFile === 'string' && c.secretAccessKey === undefined) {
    source = resolve(dirname(path), c.secretAccessKeyFile);
    try {
      text = readFileSync(source, 'utf8').trim();
    } catch (e) {
      fail(path, `${where}: cannot read secretAccessKeyFile ${source}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    files.push(source);
  } else {
    fail(path, `${where} needs exactly one of secretAccessKey and secretAccessKeyFile`);
  }
  if (!SECRET_RE.test(text)) fail(path, `${where}: the secret access key must be 43-64 characters [A-Za-z0-9+/=] (e.g. openssl rand -base64 32)`);
  return { secret: Buffer.from(text, 'utf8'), source };
}

function quotaOf(path: string, where: string, q: unknown): XksTenantConfig['quota'] {
  if (q === undefined) return undefined;
  const o = q as Record<string, unknown> | null;
  const rps = o?.requestsPerSecond;
  if (typeof rps !== 'number' || !(rps > 0) || !Number.isFinite(rps)) fail(path, `${where}.quota.requestsPerSecond must be a positive number`);
  const burst = o?.burst ?? Math.max(1, Math.ceil(rps));
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1) fail(path, `${where}.quota.burst must be a positive integer`);
  return { requestsPerSecond: rps, burst };
}

function tenantOf(path: string, raw: unknown, i: number, files: string[]): XksTenantConfig {
  const where = `tenants[${i}]`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(path, `${where} must be a mapping`);
  const t = raw as Record<string, unknown>;
  if (typeof t.name !== 'string' || !TENANT_RE.test(t.name)) fail(path, `${where}.name must be 1-64 characters [A-Za-z0-9_-]`);
  const prefix = t.uriPathPrefix ?? '';
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix) || prefix.length + XKS_PATH_SUFFIX.length > MAX_URI_PATH) {
    fail(path, `${where}.uriPathPrefix must be '' or '/segment/…' of [A-Za-z0-9_-], at most ${MAX_URI_PATH - XKS_PATH_SUFFIX.length} characters`);
  }
  if (!Array.isArray(t.credentials) || t.credentials.length < 1 || t.credentials.length > 2) {
    fail(path, `${where}.credentials must list one or two credential pairs (two while rotating)`);
  }
  const credentials = t.credentials.map((c: unknown, j: number): XksCredentialConfig => {
    const cw = `${where}.credentials[${j}]`;
    if (c === null || typeof c !== 'object') fail(path, `${cw} must be a mapping`);
    const cr = c as Record<string, unknown>;
    if (typeof cr.accessKeyId !== 'string' || !ACCESS_KEY_ID_RE.test(cr.accessKeyId)) {
      fail(path, `${cw}.accessKeyId must be 20-30 characters A-Z and 2-7 (XKS proxy API spec, Appendix A)`);
    }
    const { secret, source } = secretOf(path, cw, cr, files);
    return { accessKeyId: cr.accessKeyId, secretAccessKey: secret, source };
  });
  if (credentials.length === 2 && credentials[0]!.accessKeyId === credentials[1]!.accessKeyId) fail(path, `${where} lists one access key id twice`);
  const out: XksTenantConfig = { name: t.name, uriPathPrefix: prefix, credentials };
  const quota = quotaOf(path, where, t.quota);
  if (quota) out.quota = quota;
  return out;
}

/** Reads and validates the XKS config file; throws XksConfigError naming the file and field. */
export function loadXksFile(path: string): XksFileConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail(path, `cannot read the XKS config file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML 1.2 is a superset of JSON
  } catch (e) {
    fail(path, `not valid YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) fail(path, 'must be a mapping with a tenants list');
  const d = doc as Record<string, unknown>;
  const fleetSize = d.fleetSize ?? 1;
  if (typeof fleetSize !== 'number' || !Number.isInteger(fleetSize) || fleetSize < 1) fail(path, 'fleetSize must be a positive integer');
  if (!Array.isArray(d.tenants) || d.tenants.length === 0) fail(path, 'tenants must list at least one tenant');
  const files = [path];
  const tenants = d.tenants.map((t: unknown, i: number) => tenantOf(path, t, i, files));
  for (const [i, t] of tenants.entries()) {
    if (tenants.findIndex((o) => o.name === t.name) !== i) fail(path, `tenant name '${t.name}' is used twice`);
    if (tenants.findIndex((o) => o.uriPathPrefix === t.uriPathPrefix) !== i) fail(path, `uriPathPrefix '${t.uriPathPrefix}' is used twice`);
  }
  return { fleetSize, tenants, files };
}
