/**
 * The CloudTrail LookupEvents endpoint over AWS JSON 1.1: `X-Amz-Target:
 * com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`, SigV4 service `cloudtrail`,
 * the same access keys as the KMS API — so `aws cloudtrail lookup-events --endpoint-url …` and
 * @aws-sdk/client-cloudtrail work unchanged. Callers see only the records of their own account
 * (recipientAccountId). As in IAM, the account root may always look them up; users and roles need
 * an identity policy that allows `cloudtrail:LookupEvents` (and no explicit Deny). The call is
 * itself audited, with eventSource cloudtrail.amazonaws.com, as CloudTrail logs it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../../kms/context.js';
import type { AuditRecordRow } from '../../kms/ports/store-audit.js';
import { SerializationException, UnknownOperationException, RequestEntityTooLargeException } from '../../kms/errors.js';
import { verifySigV4 } from '../../auth/index.js';
import { authorizeAccountAction } from '../../kms/authz/account-access.js';
import { newRequestId } from '../../lib/ids.js';
import { CLOUDTRAIL_EVENT_SOURCE } from '../../audit/event.js';
import type { Json } from '../../audit/canonical.js';
import { parseRecordBody } from '../../audit/chain.js';
import { readBody, BodyTooLargeError } from '../body.js';
import { internalWireError, toWireError } from '../kms-json/error-table.js';
import { serializeError } from '../kms-json/serialize.js';
import type { KmsJsonDeps } from '../kms-json/handler.js';
import type { AuditedRequest } from '../request-audit.js';
import { encodeNextToken, parseLookupRequest } from './lookup-request.js';

export const CLOUDTRAIL_TARGET_PREFIX = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function isCloudTrailRequest(req: IncomingMessage): boolean {
  const t = req.headers['x-amz-target'];
  return req.method === 'POST' && typeof t === 'string' && t.startsWith(CLOUDTRAIL_TARGET_PREFIX);
}

function eventOf(r: AuditRecordRow): Record<string, unknown> {
  const event = parseRecordBody(r.body).event;
  const out: Record<string, unknown> = {
    EventId: r.eventId,
    EventName: r.eventName,
    ReadOnly: String(r.readOnly),
    EventTime: Math.floor(r.eventTime / 1000),
    EventSource: r.eventSource,
    Resources: r.resources.map((arn) => ({ ResourceType: 'AWS::KMS::Key', ResourceName: arn })),
    CloudTrailEvent: JSON.stringify(event),
  };
  if (r.accessKeyId !== null) out.AccessKeyId = r.accessKeyId;
  if (r.username !== null) out.Username = r.username;
  return out;
}

export function createCloudTrailHandler(deps: KmsJsonDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const regionAllowed = deps.allowedRegions.length === 0 ? () => true : (r: string) => deps.allowedRegions.includes(r);
  const store = deps.kms.store.audit;

  async function authenticate(req: IncomingMessage, body: Buffer): Promise<Caller> {
    const v = await verifySigV4(
      { method: req.method ?? 'POST', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      { service: 'cloudtrail', now: deps.authClock.now(), isRegionAllowed: regionAllowed, lookup: (id) => deps.credentials.lookup(id) },
    );
    const c = v.credential;
    return { accountId: c.accountId, principalArn: c.principalArn, principalType: c.principalType, accessKeyId: v.accessKeyId, region: v.region, sourceIp: req.socket.remoteAddress };
  }

  function send(res: ServerResponse, status: number, body: Buffer, requestId: string, errorType?: string): void {
    const headers: Record<string, string | number> = { 'content-type': CONTENT_TYPE, 'content-length': body.length, 'x-amzn-requestid': requestId };
    if (errorType) headers['x-amzn-errortype'] = errorType;
    res.writeHead(status, headers);
    res.end(body);
  }

  return async function handleCloudTrail(req, res) {
    const requestId = newRequestId();
    const op = String(req.headers['x-amz-target']).slice(CLOUDTRAIL_TARGET_PREFIX.length);
    const audited: AuditedRequest = { req, eventSource: CLOUDTRAIL_EVENT_SOURCE, eventName: op.slice(0, 128), requestId, time: deps.kms.clock.now(), resources: new Set() };
    let recorded = false;
    try {
      const body = await readBody(req, deps.maxBodyBytes).catch((e) => {
        if (e instanceof BodyTooLargeError) throw new RequestEntityTooLargeException(`Request body exceeds the maximum of ${deps.maxBodyBytes} bytes.`);
        throw e;
      });
      const caller = (audited.caller = await authenticate(req, body));
      deps.audit.admit();
      if (op !== 'LookupEvents') throw new UnknownOperationException(`Operation ${op.slice(0, 128)} is not supported.`);
      let json: unknown;
      try {
        json = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
      } catch {
        throw new SerializationException('The request body is not valid JSON.');
      }
      const lookup = parseLookupRequest(json, caller.accountId);
      await authorizeAccountAction({ deps: deps.kms, caller, requestId }, 'cloudtrail:LookupEvents');
      audited.requestParameters = Object.keys(lookup.parameters).length > 0 ? (lookup.parameters as Json) : null;
      const rows = lookup.empty ? [] : await store.lookup(lookup.query);
      const out: Record<string, unknown> = { Events: rows.map(eventOf) };
      const last = rows[rows.length - 1];
      if (last && rows.length === lookup.query.limit) {
        out.NextToken = encodeNextToken(lookup.query, { eventTime: last.eventTime, nodeId: last.nodeId, seq: last.seq });
      }
      recorded = true;
      await deps.audit.success(audited, {});
      send(res, 200, Buffer.from(JSON.stringify(out)), requestId);
    } catch (err) {
      let wire = toWireError(err);
      if (!wire) {
        wire = internalWireError(requestId);
        deps.log.error({ requestId, op, err }, 'unexpected error in CloudTrail request');
      }
      if (!recorded) await deps.audit.failure(audited, { code: wire.type, message: wire.message });
      send(res, wire.status, serializeError(wire.type, wire.message), requestId, wire.type);
    }
  };
}
