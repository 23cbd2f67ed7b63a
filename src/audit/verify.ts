/**
 * `audit verify`: checks every node's hash chain (verify-records.ts) and its signed digests —
 * each digest's hash, its ECDSA signature under the audit public key, the chain of digests
 * (previous digest hash, contiguous coverage) and that its head hash is the hash of the record it
 * names — offline, from a database or an export file. The first problem names the record.
 */
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, sha256Hex } from './canonical.js';
import { digestSignatureValid, parseDigestBody, type DigestEnvelope } from './digest.js';
import { walkRecords } from './verify-records.js';
import type { ChainSource, DigestItem, NodeSummary, Problem, VerifyReport } from './verify-types.js';

interface CheckedDigest {
  env: DigestEnvelope;
  item: DigestItem;
}

function digestProblems(nodeId: string, items: DigestItem[], key: KeyObject, fingerprint: string): { ok: CheckedDigest[]; problems: Problem[] } {
  const ok: CheckedDigest[] = [];
  const problems: Problem[] = [];
  const fail = (kind: Problem['kind'], digestSeq: number | undefined, message: string) =>
    problems.push({ kind, nodeId, ...(digestSeq !== undefined ? { digestSeq } : {}), message: `node ${nodeId}: ${message}` });
  let prev: CheckedDigest | undefined;
  for (const item of items) {
    let env: DigestEnvelope;
    try {
      env = parseDigestBody(item.body);
    } catch {
      fail('digest-altered', undefined, `digest at ${item.where} is not a valid digest`);
      continue;
    }
    const name = `digest #${env.digestSequence} (seq ${env.firstSequence}..${env.lastSequence})`;
    if (sha256Hex(item.body) !== item.storedHash) {
      fail('digest-altered', env.digestSequence, `${name} was altered: its content does not match its hash`);
      continue;
    }
    const c = item.columns;
    if (
      env.nodeId !== nodeId ||
      (c &&
        (c.digestSeq !== env.digestSequence ||
          c.firstSeq !== env.firstSequence ||
          c.lastSeq !== env.lastSequence ||
          c.headHash !== env.headHash ||
          c.prevDigestHash !== env.previousDigestHash ||
          new Date(c.digestTime).toISOString() !== env.digestTime))
    ) {
      fail('digest-altered', env.digestSequence, `${name} was altered: its columns disagree with the signed digest`);
      continue;
    }
    if (env.publicKeyFingerprint !== fingerprint) {
      fail('digest-signature', env.digestSequence, `${name} names signing key ${env.publicKeyFingerprint.slice(0, 16)}…, not the audit public key given`);
      continue;
    }
    if (!digestSignatureValid(item.body, item.signature, key)) {
      fail('digest-signature', env.digestSequence, `${name} has an invalid signature`);
      continue;
    }
    if (prev) {
      if (env.previousDigestHash !== prev.item.storedHash || env.digestSequence !== prev.env.digestSequence + 1) {
        fail('digest-chain', env.digestSequence, `${name} does not follow digest #${prev.env.digestSequence}: a digest is missing or was replaced`);
      } else if (env.firstSequence !== prev.env.lastSequence + 1) {
        fail('digest-chain', env.digestSequence, `${name} does not start where digest #${prev.env.digestSequence} ended (seq ${prev.env.lastSequence})`);
      }
    } else if (env.digestSequence === 1 && (env.previousDigestHash !== GENESIS_HASH || env.firstSequence !== 1)) {
      fail('digest-chain', 1, `${name} is the first digest but does not start the chain`);
    }
    const checked = { env, item };
    ok.push(checked);
    prev = checked;
  }
  return { ok, problems };
}

export async function verifyChains(source: ChainSource, key: KeyObject, fingerprint: string): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, problems: [], notes: [], nodes: [], publicKeyFingerprint: fingerprint };
  for (const nodeId of await source.nodes()) {
    const { ok: digests, problems } = digestProblems(nodeId, await source.digests(nodeId), key, fingerprint);
    const heads = new Map(digests.map((d) => [d.env.lastSequence, d.env.headHash]));
    const walk = await walkRecords(source, nodeId, heads);
    if (walk.problem) report.problems.push(walk.problem);
    report.notes.push(...walk.notes);
    let signedThrough = 0;
    const firstDigest = digests[0]?.env;
    if (firstDigest && firstDigest.digestSequence > 1 && walk.firstSeq !== undefined && walk.firstSeq < firstDigest.firstSequence) {
      // Retention keeps the digest anchoring the oldest record; an older record without its digest means digests were removed.
      problems.push({
        kind: 'digest-chain',
        nodeId,
        digestSeq: firstDigest.digestSequence - 1,
        message: `node ${nodeId}: digest #${firstDigest.digestSequence - 1} is missing: records from seq ${walk.firstSeq} are not covered by the digests present`,
      });
    }
    for (const d of digests) {
      const { env } = d;
      const name = `digest #${env.digestSequence} (seq ${env.firstSequence}..${env.lastSequence})`;
      const at = walk.hashesAt.get(env.lastSequence);
      if (at !== undefined) {
        if (at !== env.headHash) {
          problems.push({
            kind: 'digest-head',
            nodeId,
            digestSeq: env.digestSequence,
            seq: env.lastSequence,
            message: `node ${nodeId}: ${name} does not match the records: a record in seq ${env.firstSequence}..${env.lastSequence} was altered, inserted or removed and the chain re-hashed`,
          });
          continue;
        }
        signedThrough = Math.max(signedThrough, env.lastSequence);
      } else if (walk.complete && walk.lastSeq !== undefined && env.lastSequence > walk.lastSeq) {
        problems.push({
          kind: 'truncated',
          nodeId,
          digestSeq: env.digestSequence,
          seq: walk.lastSeq + 1,
          message: `node ${nodeId}: records after seq ${walk.lastSeq} are missing: ${name} covers them`,
        });
      } else if (walk.firstSeq !== undefined && env.lastSequence === walk.firstSeq - 1) {
        signedThrough = Math.max(signedThrough, env.lastSequence);
      } else if (walk.complete && walk.lastSeq === undefined) {
        // Retention removed every record; the anchor digest alone remains.
        signedThrough = Math.max(signedThrough, env.lastSequence);
      }
    }
    report.problems.push(...problems);
    if (walk.complete && walk.lastSeq !== undefined && walk.lastSeq > signedThrough) {
      report.notes.push(`node ${nodeId}: seq ${signedThrough + 1}..${walk.lastSeq} are not yet covered by a signed digest`);
    }
    const summary: NodeSummary = { nodeId, records: walk.count, digests: digests.length, signedThrough };
    if (walk.firstSeq !== undefined) summary.firstSeq = walk.firstSeq;
    if (walk.lastSeq !== undefined) summary.lastSeq = walk.lastSeq;
    report.nodes.push(summary);
  }
  // The first record-level problem first: that is the record the report names.
  report.problems.sort((a, b) => rank(a) - rank(b));
  report.ok = report.problems.length === 0;
  return report;
}

function rank(p: Problem): number {
  return p.kind.startsWith('digest') || p.kind === 'truncated' ? 1 : 0;
}
