/**
 * The JSON Lines format of `audit export` and of the streaming sink. A record line is the
 * CloudTrail record itself plus one extra member, `strongroomChain`, with what verification needs
 * (a SIEM ignores it); a digest line is `{"strongroomDigest": {…}}`. `audit verify --file`
 * rebuilds each canonical body from a line and recomputes its hash.
 */
import type { AuditDigestRow, AuditRecordRow } from '../kms/ports/store-audit.js';
import { parseRecordBody, recordBody } from './chain.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { parseDigestBody, type DigestEnvelope } from './digest.js';
import type { CloudTrailEvent } from './event.js';

export interface ChainFields {
  version: number;
  nodeId: string;
  sequence: number;
  previousHash: string;
  hash: string;
}

export type DigestLine = DigestEnvelope & { hash: string; signature: string };

export function recordLine(row: AuditRecordRow): string {
  const env = parseRecordBody(row.body);
  const chain: ChainFields = { version: env.version, nodeId: env.nodeId, sequence: env.sequence, previousHash: env.previousHash, hash: row.hash };
  return JSON.stringify({ ...env.event, strongroomChain: chain });
}

export function digestLine(row: AuditDigestRow): string {
  const d: DigestLine = { ...parseDigestBody(row.body), hash: row.hash, signature: row.signature };
  return JSON.stringify({ strongroomDigest: d });
}

export type ParsedLine =
  | { kind: 'record'; line: number; chain: ChainFields; event: CloudTrailEvent; body: string; bodyHash: string }
  | { kind: 'digest'; line: number; digest: DigestLine; body: string; bodyHash: string }
  | { kind: 'invalid'; line: number; reason: string };

export function parseExportLine(text: string, line: number): ParsedLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'invalid', line, reason: 'not JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { kind: 'invalid', line, reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (o.strongroomDigest !== undefined) {
    const d = o.strongroomDigest as DigestLine;
    if (typeof d !== 'object' || d === null || typeof d.hash !== 'string' || typeof d.signature !== 'string') {
      return { kind: 'invalid', line, reason: 'digest line without hash and signature' };
    }
    const { hash: _h, signature: _s, ...envelope } = d;
    const body = canonicalJson(envelope);
    return { kind: 'digest', line, digest: d, body, bodyHash: sha256Hex(body) };
  }
  const chain = o.strongroomChain as ChainFields | undefined;
  if (
    typeof chain !== 'object' ||
    chain === null ||
    typeof chain.nodeId !== 'string' ||
    typeof chain.sequence !== 'number' ||
    typeof chain.previousHash !== 'string' ||
    typeof chain.hash !== 'string'
  ) {
    return { kind: 'invalid', line, reason: 'record line without strongroomChain fields' };
  }
  const { strongroomChain: _c, ...event } = o;
  let body: string;
  try {
    body = recordBody(chain.nodeId, chain.sequence, chain.previousHash, event as unknown as CloudTrailEvent);
  } catch (e) {
    return { kind: 'invalid', line, reason: e instanceof Error ? e.message : String(e) };
  }
  return { kind: 'record', line, chain, event: event as unknown as CloudTrailEvent, body, bodyHash: sha256Hex(body) };
}
