/**
 * The hash chain. Each record's stored body is the canonical JSON (canonical.ts) of a versioned
 * envelope — node, sequence number, the previous record's hash and the CloudTrail event — and
 * its hash is SHA-256 of that body. Binding the sequence number and the node into the hashed
 * bytes is what lets `audit verify` tell an edited record from a moved, inserted or deleted one.
 * Index columns (event name, account, resources, …) are derived from the event here, in one
 * place, so the store and the verifier agree on them.
 */
import type { AuditRecordRow } from '../kms/ports/store-audit.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import type { CloudTrailEvent } from './event.js';

export const CHAIN_VERSION = 1;

export interface RecordEnvelope {
  kind: 'record';
  version: number;
  nodeId: string;
  sequence: number;
  previousHash: string;
  event: CloudTrailEvent;
}

export function recordBody(nodeId: string, sequence: number, previousHash: string, event: CloudTrailEvent): string {
  return recordBodyOf(nodeId, sequence, previousHash, canonicalJson(event));
}

/**
 * The canonical envelope around an already canonical event: exactly canonicalJson(envelope), its
 * members written in sorted order (event, kind, nodeId, previousHash, sequence, version). The audit
 * log encodes each event once, when it is appended, so a batch write cannot fail on encoding.
 */
export function recordBodyOf(nodeId: string, sequence: number, previousHash: string, canonicalEvent: string): string {
  return (
    `{"event":${canonicalEvent},"kind":"record","nodeId":${JSON.stringify(nodeId)},` +
    `"previousHash":${JSON.stringify(previousHash)},"sequence":${sequence},"version":${CHAIN_VERSION}}`
  );
}

/** The LookupEvents "Username": the IAM user name, `root`, or an assumed role's session name. */
export function usernameOf(event: CloudTrailEvent): string | null {
  const id = event.userIdentity;
  if (id.userName) return id.userName;
  if (id.type === 'Root') return 'root';
  if (id.arn && id.type === 'AssumedRole') return id.arn.slice(id.arn.lastIndexOf('/') + 1) || null;
  return null;
}

export type IndexColumns = Omit<AuditRecordRow, 'nodeId' | 'seq' | 'hash' | 'prevHash' | 'body' | 'eventTime'>;

export function indexColumns(event: CloudTrailEvent): IndexColumns {
  return {
    eventId: event.eventID,
    eventName: event.eventName,
    eventSource: event.eventSource,
    recipientAccountId: event.recipientAccountId ?? null,
    username: usernameOf(event),
    principalArn: event.userIdentity.arn ?? null,
    accessKeyId: event.userIdentity.accessKeyId ?? null,
    errorCode: event.errorCode ?? null,
    readOnly: event.readOnly,
    resources: (event.resources ?? []).map((r) => r.ARN),
  };
}

/**
 * Links one event into the chain after `previousHash`. `eventTime` is the exact epoch ms;
 * `canonicalEvent`, when given, is canonicalJson(event) computed earlier.
 */
export function chainRecord(
  nodeId: string,
  seq: number,
  previousHash: string,
  event: CloudTrailEvent,
  eventTime: number,
  canonicalEvent: string = canonicalJson(event),
): AuditRecordRow {
  const body = recordBodyOf(nodeId, seq, previousHash, canonicalEvent);
  return { nodeId, seq, hash: sha256Hex(body), prevHash: previousHash, body, eventTime, ...indexColumns(event) };
}

export class MalformedAuditBodyError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseRecordBody(body: string): RecordEnvelope {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new MalformedAuditBodyError('body is not JSON');
  }
  if (
    !isObject(v) ||
    v.kind !== 'record' ||
    typeof v.version !== 'number' ||
    typeof v.nodeId !== 'string' ||
    typeof v.sequence !== 'number' ||
    typeof v.previousHash !== 'string' ||
    !isObject(v.event) ||
    typeof v.event.eventID !== 'string'
  ) {
    throw new MalformedAuditBodyError('body is not a version 1 record envelope');
  }
  if (v.version !== CHAIN_VERSION) throw new MalformedAuditBodyError(`unknown record version ${String(v.version)}`);
  return v as unknown as RecordEnvelope;
}
