/**
 * Walks one node's records in storage order and stops at the first problem, naming the record:
 * altered content (hash mismatch, or an index column that disagrees with the hashed body),
 * missing records (a gap, or later records renumbered down), an inserted record (the record after
 * it links to the same predecessor, or later records were renumbered up), reordered records, or a
 * chain that starts mid-way without a signed digest anchoring it. Stopping at the first problem
 * keeps one tampering from being reported as a cascade of others.
 */
import { sha256Hex } from './canonical.js';
import { GENESIS_HASH } from './canonical.js';
import { indexColumns, parseRecordBody, type RecordEnvelope } from './chain.js';
import { parseKmsArn } from '../kms/model/arn.js';
import type { ChainItem, ChainSource, Problem } from './verify-types.js';

export interface RecordWalk {
  problem?: Problem;
  notes: string[];
  count: number;
  firstSeq?: number;
  lastSeq?: number;
  /** Record hashes at the sequence numbers digests name as their head. */
  hashesAt: Map<number, string>;
  /** True when every record was checked (no problem stopped the walk). */
  complete: boolean;
}

interface Prev {
  seq: number;
  hash: string;
  previousHash: string;
  eventId: string;
  where: string;
}

function parsed(item: ChainItem | undefined): RecordEnvelope | undefined {
  if (!item) return undefined;
  try {
    return parseRecordBody(item.body);
  } catch {
    return undefined;
  }
}

function columnMismatch(item: ChainItem, env: RecordEnvelope): string | undefined {
  const c = item.columns;
  if (!c) return undefined;
  const derived = indexColumns(env.event);
  for (const [k, v] of Object.entries(derived)) {
    const stored = (c as unknown as Record<string, unknown>)[k];
    if (JSON.stringify(stored) !== JSON.stringify(v)) return k;
  }
  if (Math.floor(c.eventTime / 1000) * 1000 !== Date.parse(env.event.eventTime)) return 'eventTime';
  if (item.prevHashColumn !== undefined && item.prevHashColumn !== env.previousHash) return 'prev_hash';
  return undefined;
}

/**
 * One index row per resource ARN of the record and nothing else, each with the name the
 * ResourceName lookup matches (AuditResourceRow): the key id, or the alias name. The verifier
 * derives the name from the parsed ARN rather than trusting the writer's code.
 */
function sameResourceRows(rows: ReadonlyArray<{ arn: string; name: string }>, arns: readonly string[]): boolean {
  const expected = [...new Set(arns)].sort();
  const stored = rows.map((r) => r.arn).sort();
  return JSON.stringify(stored) === JSON.stringify(expected) && rows.every((r) => r.name === resourceNameOf(r.arn));
}

function resourceNameOf(arn: string): string | undefined {
  const parsed = parseKmsArn(arn);
  return parsed?.kind === 'key' ? parsed.keyId : parsed?.aliasName;
}

async function* withNext<T>(it: AsyncIterable<T>): AsyncGenerator<[T, T | undefined]> {
  let held: T | undefined;
  let has = false;
  for await (const v of it) {
    if (has) yield [held as T, v];
    held = v;
    has = true;
  }
  if (has) yield [held as T, undefined];
}

export async function walkRecords(
  source: ChainSource,
  nodeId: string,
  digestHeads: ReadonlyMap<number, string>,
): Promise<RecordWalk> {
  const out: RecordWalk = { notes: [], count: 0, hashesAt: new Map(), complete: false };
  const fail = (kind: Problem['kind'], message: string, seq?: number, eventId?: string): RecordWalk => {
    out.problem = { kind, nodeId, message: `node ${nodeId}: ${message}`, ...(seq !== undefined ? { seq } : {}), ...(eventId ? { eventId } : {}) };
    return out;
  };
  const db = source.kind === 'database';
  let prev: Prev | undefined;
  let indexMismatch: { seq: number; id: string; message: string } | undefined;

  for await (const [item, next] of withNext(source.records(nodeId))) {
    const env = parsed(item);
    if (sha256Hex(item.body) !== item.storedHash) {
      const id = env?.event.eventID;
      return fail('altered', `record at ${item.where}${id ? ` (eventID ${id})` : ''} was altered: its content does not match its hash`, item.position, id);
    }
    if (!env) return fail('malformed', `record at ${item.where} is not a valid record envelope`, item.position);
    const id = env.event.eventID;
    const name = `seq ${env.sequence} (eventID ${id})`;
    if (env.nodeId !== nodeId) return fail('altered', `record at ${item.where} (eventID ${id}) belongs to node ${env.nodeId}`, env.sequence, id);

    if (db && env.sequence !== item.position) {
      const off = env.sequence - item.position;
      const n = parsed(next);
      const nextOff = n && next ? n.sequence - next.position : undefined;
      if (off > 0 && (nextOff === undefined || nextOff === off)) {
        const gap = off === 1 ? `seq ${item.position}` : `seq ${item.position}..${item.position + off - 1}`;
        return fail('missing', `record ${gap} is missing: later records were renumbered (${item.where} holds ${name})`, item.position);
      }
      if (off < 0 && prev && (nextOff === undefined || nextOff === off)) {
        return fail('inserted', `record at ${prev.where} (eventID ${prev.eventId}) was inserted: the records after it were renumbered`, prev.seq, prev.eventId);
      }
      return fail('reordered', `records were reordered: ${name} is stored at ${item.where}`, env.sequence, id);
    }
    const bad = columnMismatch(item, env);
    if (bad) return fail('altered', `record ${name} was altered: its ${bad} column disagrees with the hashed record`, env.sequence, id);

    if (!prev) {
      if (env.sequence === 1) {
        if (env.previousHash !== GENESIS_HASH) return fail('altered', `record ${name} is the first of the chain but does not start from the genesis hash`, 1, id);
      } else if (digestHeads.get(env.sequence - 1) === env.previousHash) {
        out.notes.push(`node ${nodeId}: chain starts at seq ${env.sequence}, anchored by the signed digest covering seq ${env.sequence - 1}`);
      } else if (db) {
        return fail('unanchored', `records before ${name} are missing and no signed digest anchors the chain there`, env.sequence - 1, id);
      } else {
        out.notes.push(`node ${nodeId}: export starts at seq ${env.sequence}; earlier records are not in the file`);
      }
      out.firstSeq = env.sequence;
    } else if (!(env.sequence === prev.seq + 1 && env.previousHash === prev.hash)) {
      const n = parsed(next);
      if (env.previousHash === prev.hash) return fail('reordered', `record ${name} follows seq ${prev.seq} but is numbered out of order`, env.sequence, id);
      if (env.sequence > prev.seq + 1) {
        if (n && n.sequence === prev.seq + 1) return fail('reordered', `records were reordered: ${name} appears before seq ${prev.seq + 1}`, env.sequence, id);
        const gap = env.sequence === prev.seq + 2 ? `seq ${prev.seq + 1}` : `seq ${prev.seq + 1}..${env.sequence - 1}`;
        return fail('missing', `record ${gap} is missing (between eventID ${prev.eventId} and ${id})`, prev.seq + 1);
      }
      if (env.previousHash === prev.previousHash) {
        return fail('inserted', `record ${prev.where} (eventID ${prev.eventId}) was inserted: ${name} links to the record before it`, prev.seq, prev.eventId);
      }
      if (env.sequence <= prev.seq || (await source.seqOfHash(nodeId, env.previousHash)) !== undefined) {
        return fail('reordered', `records were reordered: ${name} does not follow seq ${prev.seq}`, env.sequence, id);
      }
      return fail('altered', `record ${prev.where} (eventID ${prev.eventId}) was altered or replaced: ${name} links to a different hash`, prev.seq, prev.eventId);
    }
    // Reported only if the chain itself is sound: an inserted or moved record (which has no index
    // rows of its own) is named as such once the walk reaches the record after it.
    if (!indexMismatch && item.resourceRows !== undefined && !sameResourceRows(item.resourceRows, indexColumns(env.event).resources)) {
      indexMismatch = { seq: env.sequence, id, message: `record ${name} was altered: its rows in the resources index (audit_resources) disagree with the hashed record` };
    }
    if (digestHeads.has(env.sequence)) out.hashesAt.set(env.sequence, item.storedHash);
    prev = { seq: env.sequence, hash: item.storedHash, previousHash: env.previousHash, eventId: id, where: item.where };
    out.count += 1;
    out.lastSeq = env.sequence;
  }
  if (indexMismatch) return fail('altered', indexMismatch.message, indexMismatch.seq, indexMismatch.id);
  out.complete = true;
  return out;
}
