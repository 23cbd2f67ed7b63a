/**
 * `strongroom audit export --from ISO --to ISO [--out FILE]`: the records of a time range as JSON
 * Lines (CloudTrail records plus `strongroomChain`), with the digests needed to check them — per
 * node, the digest anchoring the first exported record (if any) and every digest whose head falls
 * in the exported range, each after the record it signs.
 */
import type { AuditDigestRow, AuditRecordRow, AuditRepository } from '../kms/ports/store-audit.js';
import { digestLine, recordLine } from '../audit/export-format.js';

const PAGE = 1000;

export interface LineWriter {
  write(line: string): void | Promise<void>;
}

export async function exportAudit(repo: AuditRepository, fromMs: number, toMs: number, out: LineWriter): Promise<{ records: number; digests: number }> {
  let records = 0;
  let digests = 0;
  let node: string | undefined;
  let pending: AuditDigestRow[] = [];
  const flushDigestsUpTo = async (seq: number) => {
    while (pending.length > 0 && pending[0]!.lastSeq <= seq) {
      await out.write(digestLine(pending.shift()!));
      digests += 1;
    }
  };
  let after: { nodeId: string; seq: number } | undefined;
  for (;;) {
    const rows: AuditRecordRow[] = await repo.range(fromMs, toMs, after, PAGE);
    for (const r of rows) {
      if (r.nodeId !== node) {
        node = r.nodeId;
        // The node's digests from the one anchoring its first exported record on; the anchor first.
        pending = (await repo.digests(node)).filter((d) => d.lastSeq >= r.seq - 1);
        await flushDigestsUpTo(r.seq - 1);
      }
      await out.write(recordLine(r));
      records += 1;
      await flushDigestsUpTo(r.seq);
      // A digest whose head lies beyond the range is left out: the export ends with its own tail.
    }
    if (rows.length < PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { nodeId: last.nodeId, seq: last.seq };
  }
  return { records, digests };
}
