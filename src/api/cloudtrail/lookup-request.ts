/**
 * LookupEvents request → audit query (CloudTrail API Reference: LookupEvents). Attribute keys:
 * EventId, EventName, ReadOnly, Username (user name or principal ARN), ResourceType,
 * ResourceName (key or alias ARN, key id or alias name), EventSource, AccessKeyId, plus the
 * Strongroom extension ErrorCode. AWS accepts one attribute per request; several different keys
 * are accepted here and combined with AND. Times are epoch seconds (AWS JSON 1.1 timestamps).
 * NextToken is opaque: the last record's position plus a hash of the filters, so a token reused
 * with other filters is InvalidNextTokenException, as AWS documents.
 */
import { createHash } from 'node:crypto';
import type { AuditCursor, AuditQuery } from '../../kms/ports/store-audit.js';
import { SerializationException } from '../../kms/errors.js';
import {
  InvalidEventCategoryException,
  InvalidLookupAttributesException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidTimeRangeException,
} from './errors.js';

const KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId', 'ErrorCode'] as const;
type AttributeKey = (typeof KEYS)[number];
const MAX_VALUE = 2000;
const MAX_ATTRIBUTES = KEYS.length;
const KMS_KEY_TYPE = 'AWS::KMS::Key';

export interface LookupRequest {
  query: AuditQuery;
  /** True when the filters can match nothing (e.g. a ResourceType other than AWS::KMS::Key). */
  empty: boolean;
  /** For the audit record of the LookupEvents call itself (CloudTrail logs these parameters). */
  parameters: Record<string, unknown>;
}

function epochMs(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new SerializationException(`Cannot deserialize '${name}': expected a timestamp`);
  return Math.round(n * 1000);
}

function filterHash(q: AuditQuery): string {
  const { before: _b, limit: _l, ...filters } = q;
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 16);
}

export function encodeNextToken(q: AuditQuery, last: AuditCursor): string {
  return Buffer.from(JSON.stringify({ t: last.eventTime, n: last.nodeId, s: last.seq, f: filterHash(q) })).toString('base64url');
}

function decodeNextToken(token: string, q: AuditQuery): AuditCursor {
  const bad = () => new InvalidNextTokenException('Invalid NextToken.');
  let v: { t?: unknown; n?: unknown; s?: unknown; f?: unknown };
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof v;
  } catch {
    throw bad();
  }
  if (typeof v.t !== 'number' || typeof v.n !== 'string' || typeof v.s !== 'number' || v.f !== filterHash(q)) throw bad();
  return { eventTime: v.t, nodeId: v.n, seq: v.s };
}

export function parseLookupRequest(body: unknown, accountId: string): LookupRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SerializationException('The request body must be a JSON object.');
  const b = body as Record<string, unknown>;
  const query: AuditQuery = { accountId, limit: 50 };
  let empty = false;
  const attrs = b.LookupAttributes ?? [];
  if (!Array.isArray(attrs) || attrs.length > MAX_ATTRIBUTES) throw new InvalidLookupAttributesException('LookupAttributes must be a list of at most one attribute per key.');
  const seen = new Set<string>();
  for (const a of attrs as Array<Record<string, unknown>>) {
    const key = a?.AttributeKey;
    const value = a?.AttributeValue;
    if (typeof key !== 'string' || !(KEYS as readonly string[]).includes(key)) {
      throw new InvalidLookupAttributesException(`Invalid AttributeKey: ${String(key).slice(0, 64)}. Valid keys are ${KEYS.join(', ')}.`);
    }
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE) {
      throw new InvalidLookupAttributesException(`AttributeValue for ${key} must be 1 to ${MAX_VALUE} characters.`);
    }
    if (seen.has(key)) throw new InvalidLookupAttributesException(`AttributeKey ${key} is given more than once.`);
    seen.add(key);
    switch (key as AttributeKey) {
      case 'EventId': query.eventId = value; break;
      case 'EventName': query.eventName = value; break;
      case 'EventSource': query.eventSource = value; break;
      case 'Username': query.username = value; break;
      case 'AccessKeyId': query.accessKeyId = value; break;
      case 'ResourceName': query.resourceName = value; break;
      case 'ErrorCode': query.errorCode = value; break;
      case 'ReadOnly':
        if (value !== 'true' && value !== 'false') throw new InvalidLookupAttributesException('AttributeValue for ReadOnly must be true or false.');
        query.readOnly = value === 'true';
        break;
      case 'ResourceType':
        if (value === KMS_KEY_TYPE) query.hasResource = true;
        else empty = true;
        break;
    }
  }
  const start = epochMs(b.StartTime, 'StartTime');
  const end = epochMs(b.EndTime, 'EndTime');
  if (start !== undefined && end !== undefined && start > end) throw new InvalidTimeRangeException('Start time must be before the end time.');
  if (start !== undefined) query.startTime = start;
  if (end !== undefined) query.endTime = end;
  if (b.EventCategory !== undefined && b.EventCategory !== null) {
    if (b.EventCategory !== 'insight') throw new InvalidEventCategoryException('EventCategory must be insight.');
    empty = true; // No Insights events exist here.
  }
  if (b.MaxResults !== undefined && b.MaxResults !== null) {
    if (typeof b.MaxResults !== 'number' || !Number.isInteger(b.MaxResults) || b.MaxResults < 1 || b.MaxResults > 50) {
      throw new InvalidMaxResultsException('MaxResults must be from 1 to 50.');
    }
    query.limit = b.MaxResults;
  }
  if (b.NextToken !== undefined && b.NextToken !== null) {
    if (typeof b.NextToken !== 'string') throw new InvalidNextTokenException('Invalid NextToken.');
    query.before = decodeNextToken(b.NextToken, query);
  }
  const parameters: Record<string, unknown> = {};
  if (attrs.length > 0) parameters.lookupAttributes = (attrs as Array<Record<string, unknown>>).map((a) => ({ attributeKey: a.AttributeKey, attributeValue: a.AttributeValue }));
  if (start !== undefined) parameters.startTime = new Date(start).toISOString();
  if (end !== undefined) parameters.endTime = new Date(end).toISOString();
  if (b.MaxResults !== undefined) parameters.maxResults = query.limit;
  return { query, empty, parameters };
}
