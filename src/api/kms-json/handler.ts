/**
 * The AWS JSON 1.1 endpoint: `POST /` with `X-Amz-Target: TrentService.<Op>`. This is the hot path
 * of every benchmark, so it runs on bare node:http objects (no Express middleware): read the body
 * once, verify SigV4, look the target up in the dispatch table, decode and validate the JSON
 * against the model, run the operation, write the bytes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KmsDeps, Caller } from '../../kms/context.js';
import type { CredentialResolver } from '../../kms/identity/credentials.js';
import type { Logger } from '../../log/logger.js';
import type { Clock } from '../../lib/time.js';
import { verifySigV4 } from '../../auth/index.js';
import { KMS_OPERATIONS } from './operations.js';
import { decodeRequest } from './validate.js';
import { serializeError, serializeResponse } from './serialize.js';
import { internalWireError, toWireError, type WireError } from './error-table.js';
import { readBody, BodyTooLargeError } from '../body.js';
import {
  RequestEntityTooLargeException,
  SerializationException,
  UnknownOperationException,
} from '../../kms/errors.js';
import { newRequestId } from '../../lib/ids.js';
import { zero } from '../../lib/bytes.js';
import type { AuditedRequest, RequestAuditor } from '../request-audit.js';

export interface KmsJsonDeps {
  kms: KmsDeps;
  credentials: CredentialResolver;
  log: Logger;
  maxBodyBytes: number;
  allowedRegions: readonly string[];
  /** Wall clock for SigV4 skew checks; separate from the KMS clock, which tests move. */
  authClock: Clock;
  /** Records every request in the audit trail (fail-closed: no durable record, no success). */
  audit: RequestAuditor;
}

const TARGET_PREFIX = 'TrentService.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function isKmsJsonRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && req.headers['x-amz-target'] !== undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch {
    throw new SerializationException('Start of structure or map found where not expected, or the request body is not valid JSON.');
  }
}

function send(res: ServerResponse, status: number, body: Buffer, requestId: string, errorType?: string): void {
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPE,
    'content-length': body.length,
    'x-amzn-requestid': requestId,
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers);
  // Zero the response bytes (they may hold a base64 data key) once the socket has taken them.
  res.end(body, () => body.fill(0));
}

export function createKmsJsonHandler(deps: KmsJsonDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const regionAllowed = deps.allowedRegions.length === 0 ? () => true : (r: string) => deps.allowedRegions.includes(r);

  async function authenticate(req: IncomingMessage, body: Buffer): Promise<Caller> {
    const verified = await verifySigV4(
      { method: req.method ?? 'POST', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      { service: 'kms', now: deps.authClock.now(), isRegionAllowed: regionAllowed, lookup: (id, token) => deps.credentials.lookup(id, token) },
    );
    const c = verified.credential;
    return {
      accountId: c.accountId,
      principalArn: c.principalArn,
      principalType: c.principalType,
      accessKeyId: verified.accessKeyId,
      region: verified.region,
      sourceIp: req.socket.remoteAddress,
    };
  }

  return async function handleKmsJson(req, res) {
    const requestId = newRequestId();
    const target = String(req.headers['x-amz-target']);
    const op = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    let body: Buffer | undefined;
    let input: Record<string, unknown> | undefined;
    // Exactly one audit record per request: the success path records before answering, every
    // other path (including refusals before authentication) in the catch block.
    const audited: AuditedRequest = { req, eventName: (op || target).slice(0, 128), requestId, time: deps.kms.clock.now(), resources: new Set() };
    let recorded = false;
    try {
      body = await readBody(req, deps.maxBodyBytes).catch((e) => {
        if (e instanceof BodyTooLargeError) throw new RequestEntityTooLargeException(`Request body exceeds the maximum of ${deps.maxBodyBytes} bytes.`);
        throw e;
      });
      const caller = (audited.caller = await authenticate(req, body));
      deps.audit.admit();
      const handler = KMS_OPERATIONS.get(op);
      if (!handler) throw new UnknownOperationException(`Operation ${target} is not supported.`);
      input = audited.input = decodeRequest(op, parseJson(body)) as Record<string, unknown>;
      const output = await handler({ deps: deps.kms, caller, requestId, resources: audited.resources }, input);
      const bytes = serializeResponse(output);
      recorded = true;
      await deps.audit.success(audited, output).catch((e: unknown) => {
        bytes.fill(0);
        throw e;
      });
      send(res, 200, bytes, requestId);
      deps.log.debug({ requestId, op, status: 200 }, 'kms request');
    } catch (err) {
      let wire: WireError | undefined = toWireError(err);
      if (!wire) {
        wire = internalWireError(requestId);
        deps.log.error({ requestId, op, err }, 'unexpected error in KMS request');
      } else if (wire.status >= 500) {
        deps.log.warn({ requestId, op, errorCode: wire.type, reason: err instanceof Error ? err.message : String(err) }, 'kms request failed');
      }
      if (!recorded) await deps.audit.failure(audited, { code: wire.type, message: wire.message });
      send(res, wire.status, serializeError(wire.type, wire.message), requestId, wire.type);
    } finally {
      // The raw body and the decoded input can hold plaintext; drop our copies.
      zero(body);
      if (input && Buffer.isBuffer(input.Plaintext)) zero(input.Plaintext);
    }
  };
}
