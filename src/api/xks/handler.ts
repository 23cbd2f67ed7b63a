/**
 * The XKS proxy API endpoint (spec v1.0.3) on bare node:http objects, like the KMS JSON hot path:
 * route by path → tenant by prefix → POST only → read the body once → SigV4 (service
 * `kms-xks-proxy`, any region, the tenant's credentials) → the tenant's quota → decode → the
 * operation → write the bytes. Every request ends in exactly one `onRequest` record (the audit
 * hook: requestMetadata and outcome, never plaintext) and one log line.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { verifySigV4 } from '../../auth/index.js';
import type { XksContext, XksDeps } from '../../kms/xks/context.js';
import * as E from '../../kms/xks/errors.js';
import { decrypt } from '../../kms/xks/ops/decrypt.js';
import { encrypt, type EncryptInput } from '../../kms/xks/ops/encrypt.js';
import { getHealthStatus } from '../../kms/xks/ops/get-health-status.js';
import { getKeyMetadata } from '../../kms/xks/ops/get-key-metadata.js';
import type { Clock } from '../../lib/time.js';
import type { Logger } from '../../log/logger.js';
import { newRequestId } from '../../lib/ids.js';
import { zero } from '../../lib/bytes.js';
import { BodyTooLargeError, readBody } from '../body.js';
import { serializeResponse } from '../kms-json/serialize.js';
import { decodeDecrypt, decodeEncrypt, decodeRequestMetadata, parseBody } from './decode.js';
import { internalXksWireError, toXksWireError, type XksWireError } from './error-table.js';
import { parseXksPath, type XksOperation } from './routes.js';
import { logXksRequest, type XksRequestRecord } from './record.js';
import type { XksTenant, XksTenants } from './tenants.js';

export interface XksHandlerDeps {
  xks: XksDeps;
  tenants: XksTenants;
  log: Logger;
  /** Wall clock for SigV4 skew checks and record times. */
  authClock: Clock;
  /** Largest body accepted; the spec's largest requests (4300 B plaintext, 8192 B AAD, 2048-char ARNs) are about 25 KB. */
  maxBodyBytes?: number;
  /**
   * The audit hook, awaited before the response is sent: a rejection turns the answer into
   * InternalException (fail-closed). Called once per request, whatever the outcome.
   */
  onRequest?: (record: XksRequestRecord) => void | Promise<void>;
}

export type { XksRequestRecord } from './record.js';

const SERVICE = 'kms-xks-proxy';
const DEFAULT_MAX_BODY = 64 * 1024;
const JSON_TYPE = 'application/json';

function send(res: ServerResponse, status: number, body: Buffer, extra?: Record<string, string>): void {
  res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': body.length, ...extra });
  // Zero the bytes (a decrypt response holds base64 plaintext) once the socket has taken them.
  res.end(body, () => body.fill(0));
}

function errorBody(w: XksWireError): Buffer {
  return Buffer.from(JSON.stringify({ errorName: w.errorName, errorMessage: w.errorMessage }), 'utf8');
}

export function createXksHandler(deps: XksHandlerDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const maxBody = deps.maxBodyBytes ?? DEFAULT_MAX_BODY;

  async function authenticate(req: IncomingMessage, body: Buffer, tenant: XksTenant, record: XksRequestRecord): Promise<void> {
    try {
      const verified = await verifySigV4(
        { method: req.method ?? 'POST', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body },
        { service: SERVICE, now: deps.authClock.now(), lookup: async (id) => tenant.credentials.get(id) },
      );
      record.accessKeyId = verified.accessKeyId;
      record.region = verified.region;
    } catch (e) {
      // Every SigV4 failure (unknown key, bad signature, skew, malformed header) is one XKS error.
      const why = e instanceof Error ? `${e.name}: ${e.message}` : 'signature verification failed';
      throw new E.AuthenticationFailedException(`SigV4 authentication failed (${why})`);
    }
  }

  async function run(ctx: XksContext, op: XksOperation, externalKeyId: string, body: Record<string, unknown>): Promise<Buffer> {
    switch (op) {
      case 'GetHealthStatus':
        return Buffer.from(JSON.stringify(await getHealthStatus(ctx)), 'utf8');
      case 'GetKeyMetadata':
        return Buffer.from(JSON.stringify(await getKeyMetadata(ctx, externalKeyId)), 'utf8');
      case 'Encrypt': {
        let input: EncryptInput | undefined;
        try {
          input = decodeEncrypt(body, externalKeyId);
          return serializeResponse(await encrypt(ctx, input));
        } finally {
          zero(input?.plaintext);
        }
      }
      case 'Decrypt': {
        const plaintext = await decrypt(ctx, decodeDecrypt(body, externalKeyId));
        try {
          return serializeResponse({ plaintext });
        } finally {
          zero(plaintext);
        }
      }
    }
  }

  return async function handleXks(req, res) {
    const started = performance.now();
    const record: XksRequestRecord = { requestId: newRequestId(), time: deps.authClock.now(), status: 200, durationMs: 0 };
    if (req.socket.remoteAddress) record.sourceIp = req.socket.remoteAddress;
    let body: Buffer | undefined;
    let out: Buffer;
    try {
      const route = parseXksPath(req.url ?? '/');
      const tenant = route && deps.tenants.byPrefix(route.prefix);
      if (!route || !tenant) {
        req.resume();
        throw new E.InvalidUriPathException('The URI path is not an XKS proxy API path of this proxy.');
      }
      record.tenant = tenant.name;
      record.operation = route.operation;
      if (route.externalKeyId) record.externalKeyId = route.externalKeyId;
      if (req.method !== 'POST') {
        req.resume();
        throw new E.MethodNotAllowedException(`XKS proxy API calls are POST requests, not ${String(req.method).slice(0, 16)}.`);
      }
      body = await readBody(req, maxBody).catch((e: unknown) => {
        if (e instanceof BodyTooLargeError) throw new E.UnsupportedOperationException(`The request body exceeds ${maxBody} bytes.`);
        throw e;
      });
      await authenticate(req, body, tenant, record);
      if (tenant.quota && !tenant.quota.take()) throw new E.ThrottlingException('The request quota of this URI path prefix is exhausted.');
      const json = parseBody(body);
      const metadata = decodeRequestMetadata(json, route.operation);
      record.requestMetadata = metadata;
      out = await run({ deps: deps.xks, tenant: tenant.name, metadata }, route.operation, route.externalKeyId ?? '', json);
    } catch (err) {
      out = errorBody(failure(deps, record, err));
    } finally {
      zero(body);
    }
    record.durationMs = performance.now() - started;
    if (deps.onRequest) {
      try {
        // Awaited before the response: an audit trail that cannot record the call fails it (fail-closed).
        await deps.onRequest(record);
      } catch (e) {
        deps.log.error({ requestId: record.requestId, err: e }, 'XKS onRequest hook failed; answering InternalException');
        out.fill(0);
        out = errorBody(failure(deps, record, new E.InternalException(`The request could not be recorded. Request ID: ${record.requestId}`)));
      }
    }
    logXksRequest(deps.log, record);
    send(res, record.status, out, record.status === 405 ? { allow: 'POST' } : undefined);
  };
}

function failure(deps: XksHandlerDeps, record: XksRequestRecord, err: unknown): XksWireError {
  let wire = toXksWireError(err);
  if (!wire) {
    wire = internalXksWireError(record.requestId);
    deps.log.error({ requestId: record.requestId, operation: record.operation, err }, 'unexpected error in XKS request');
  }
  if (err instanceof E.AccessDeniedException && err.rule) record.deniedByRule = err.rule;
  record.status = wire.status;
  record.errorName = wire.errorName;
  record.errorMessage = wire.errorMessage;
  return wire;
}
