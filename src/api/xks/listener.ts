/**
 * The XKS listeners: HTTPS for AWS KMS, plain HTTP on loopback for local testing.
 *
 * TLS (XKS proxy API spec v1.0.3, "API content type": TLS 1.2 or later with at least one of
 * TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, ECDHE-RSA-AES256-GCM-SHA384,
 * ECDHE-ECDSA-AES256-GCM-SHA384). Node's defaults accept TLS 1.2 CBC suites (DESIGN.md pitfalls),
 * so minVersion and the suite list are set explicitly, to exactly the spec's AEAD suites: both
 * TLS 1.3 suites are named too, because a `ciphers` string that names none disables TLS 1.3's.
 *
 * Load balancers (spec, "Load balancer health checks"): `GET /healthz` answers 200 while the
 * process is up; `GET /readyz` reports the cached deep check (200 or 503). Other paths go to the
 * XKS handler.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';

export const XKS_TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
].join(':');

export const XKS_TLS_OPTIONS = {
  minVersion: 'TLSv1.2',
  ciphers: XKS_TLS_CIPHERS,
  honorCipherOrder: true,
} as const;

export interface XksListenOptions {
  https?: { host: string; port: number; cert: Buffer; key: Buffer };
  http?: { host: string; port: number };
}

export interface XksListeners {
  httpsUrl?: string;
  httpUrl?: string;
  /** Installs a new certificate and key on the HTTPS listener (existing connections keep theirs). */
  setCertificate(tls: Pick<SecureContextOptions, 'cert' | 'key'>): void;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

function urlOf(scheme: string, server: Server | HttpsServer, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function listen(server: Server | HttpsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function listenXks(handler: Handler, ready: () => Promise<boolean>, opts: XksListenOptions): Promise<XksListeners> {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/readyz')) {
      void (req.url === '/healthz' ? Promise.resolve(true) : ready().catch(() => false)).then((ok) => {
        const body = JSON.stringify({ status: ok ? 'ok' : 'not ready' });
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
      return;
    }
    void handler(req, res);
  };
  const servers: Array<Server | HttpsServer> = [];
  const out: XksListeners = {
    setCertificate: () => {},
    close: async () => {
      await Promise.all(servers.map(close));
    },
  };
  try {
    if (opts.https) {
      const s = createHttpsServer({ ...XKS_TLS_OPTIONS, cert: opts.https.cert, key: opts.https.key, keepAliveTimeout: 65_000 }, listener);
      servers.push(s);
      await listen(s, opts.https.port, opts.https.host);
      out.httpsUrl = urlOf('https', s, opts.https.host);
      out.setCertificate = (tls) => s.setSecureContext({ ...XKS_TLS_OPTIONS, ...tls });
    }
    if (opts.http) {
      const s = createHttpServer({ keepAliveTimeout: 65_000 }, listener);
      servers.push(s);
      await listen(s, opts.http.port, opts.http.host);
      out.httpUrl = urlOf('http', s, opts.http.host);
    }
  } catch (e) {
    await out.close();
    throw e;
  }
  return out;
}
