/** Chain sources for `audit verify`: the audit tables of a store, or an export (JSON Lines). */
import type { AuditRepository } from '../kms/ports/store-audit.js';
import { parseExportLine, type ParsedLine } from './export-format.js';
import type { ChainItem, ChainSource, DigestItem } from './verify-types.js';

const PAGE = 1000;

export function databaseSource(repo: AuditRepository): ChainSource {
  return {
    kind: 'database',
    nodes: () => repo.nodes(),
    async *records(nodeId) {
      let after = 0;
      for (;;) {
        const rows = await repo.chain(nodeId, after, PAGE);
        const indexed = new Map<number, Array<{ arn: string; name: string }>>();
        if (rows.length > 0) {
          for (const x of await repo.resourceRows(nodeId, after, rows[rows.length - 1]!.seq)) {
            const list = indexed.get(x.seq) ?? [];
            list.push({ arn: x.arn, name: x.name });
            indexed.set(x.seq, list);
          }
        }
        for (const r of rows) {
          const item: ChainItem = {
            position: r.seq,
            where: `seq ${r.seq}`,
            storedHash: r.hash,
            body: r.body,
            columns: {
              eventId: r.eventId,
              eventName: r.eventName,
              eventSource: r.eventSource,
              recipientAccountId: r.recipientAccountId,
              username: r.username,
              principalArn: r.principalArn,
              accessKeyId: r.accessKeyId,
              errorCode: r.errorCode,
              readOnly: r.readOnly,
              resources: r.resources,
              eventTime: r.eventTime,
            },
          };
          item.prevHashColumn = r.prevHash;
          item.resourceRows = indexed.get(r.seq) ?? [];
          yield item;
        }
        if (rows.length < PAGE) return;
        after = rows[rows.length - 1]!.seq;
      }
    },
    async digests(nodeId) {
      return (await repo.digests(nodeId)).map(
        (d): DigestItem => ({
          where: `digest #${d.digestSeq}`,
          storedHash: d.hash,
          body: d.body,
          signature: d.signature,
          columns: { digestSeq: d.digestSeq, firstSeq: d.firstSeq, lastSeq: d.lastSeq, headHash: d.headHash, prevDigestHash: d.prevDigestHash, digestTime: d.digestTime },
        }),
      );
    },
    seqOfHash: (nodeId, hash) => repo.seqOfHash(nodeId, hash),
  };
}

export class InvalidExportError extends Error {}

/** An export file's lines, grouped by node in file order. Invalid lines fail verification. */
export function fileSource(text: string): ChainSource {
  const records = new Map<string, ChainItem[]>();
  const digests = new Map<string, DigestItem[]>();
  const hashes = new Map<string, Map<string, number>>();
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const p: ParsedLine = parseExportLine(raw, i + 1);
    if (p.kind === 'invalid') throw new InvalidExportError(`line ${p.line}: ${p.reason}`);
    if (p.kind === 'digest') {
      const list = digests.get(p.digest.nodeId) ?? [];
      list.push({ where: `line ${p.line}`, storedHash: p.digest.hash, body: p.body, signature: p.digest.signature });
      digests.set(p.digest.nodeId, list);
      return;
    }
    const node = p.chain.nodeId;
    const list = records.get(node) ?? [];
    list.push({ position: p.chain.sequence, where: `line ${p.line}`, storedHash: p.chain.hash, body: p.body });
    records.set(node, list);
    const byHash = hashes.get(node) ?? new Map<string, number>();
    byHash.set(p.chain.hash, p.chain.sequence);
    hashes.set(node, byHash);
  });
  return {
    kind: 'file',
    nodes: async () => [...new Set([...records.keys(), ...digests.keys()])].sort(),
    async *records(nodeId) {
      yield* records.get(nodeId) ?? [];
    },
    digests: async (nodeId) => digests.get(nodeId) ?? [],
    seqOfHash: async (nodeId, hash) => hashes.get(nodeId)?.get(hash),
  };
}
