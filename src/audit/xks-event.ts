/**
 * The audit record of one XKS proxy request. AWS KMS logs its own side of an external-key-store
 * call in CloudTrail; this is the proxy's side, in the same shape, so the two are joined on
 * requestMetadata.kmsRequestId (XKS proxy API spec v1.0.3, "Logging"). Never plaintext,
 * ciphertext, AAD or tags: the XKS record carries none of them.
 */
import { randomUUID } from 'node:crypto';
import type { XksRequestRecord } from '../api/xks/record.js';
import type { Json } from './canonical.js';
import { cloudTrailTime, EVENT_VERSION, type CloudTrailEvent } from './event.js';

export const XKS_EVENT_SOURCE = 'xks-proxy.strongroom';

const READ_ONLY = new Set(['GetKeyMetadata', 'GetHealthStatus']);

export function xksEvent(r: XksRequestRecord): CloudTrailEvent {
  const md = r.requestMetadata;
  const requestParameters: Record<string, Json> = {};
  if (r.externalKeyId !== undefined) requestParameters.externalKeyId = r.externalKeyId;
  if (md) requestParameters.requestMetadata = JSON.parse(JSON.stringify(md)) as Json;
  const e: CloudTrailEvent = {
    eventVersion: EVENT_VERSION,
    userIdentity: { type: 'XksProxyTenant', principalId: r.tenant ?? 'unknown', ...(r.accessKeyId ? { accessKeyId: r.accessKeyId } : {}) },
    eventTime: cloudTrailTime(r.time),
    eventSource: XKS_EVENT_SOURCE,
    eventName: r.operation ?? 'Unknown',
    awsRegion: r.region ?? 'unknown',
    sourceIPAddress: r.sourceIp ?? 'unknown',
    userAgent: 'AWS KMS external key store',
    requestParameters: Object.keys(requestParameters).length > 0 ? requestParameters : null,
    responseElements: null,
    additionalEventData: {
      httpStatus: r.status,
      durationMs: Math.round(r.durationMs),
      ...(md?.kmsRequestId ? { kmsRequestId: md.kmsRequestId } : {}),
      ...(r.deniedByRule ? { deniedByRule: r.deniedByRule } : {}),
    },
    requestID: r.requestId,
    eventID: randomUUID(),
    readOnly: READ_ONLY.has(r.operation ?? ''),
    eventType: 'AwsApiCall',
    managementEvent: true,
    eventCategory: 'Management',
  };
  if (r.errorName !== undefined) e.errorCode = r.errorName;
  if (r.errorMessage !== undefined) e.errorMessage = r.errorMessage;
  return e;
}
