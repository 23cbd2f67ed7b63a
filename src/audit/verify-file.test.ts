/** `audit verify --file`: an export (JSON Lines) checked offline, and every kind of tampering with it named. */
import { describe, expect, it } from 'vitest';
import { chainRecord } from './chain.js';
import { GENESIS_HASH } from './canonical.js';
import { makeDigest } from './digest.js';
import { digestLine, recordLine } from './export-format.js';
import { verifyChains } from './verify.js';
import { InvalidExportError, fileSource } from './verify-sources.js';
import { apiCallEvent } from './build.js';
import { testSigner } from '../../test/support/audit-signer.js';
import type { AuditRecordRow } from '../kms/ports/store-audit.js';

const signer = testSigner();
const T0 = 1_700_000_000_000;

function event(i: number, name = 'Encrypt') {
  return apiCallEvent({
    eventName: name,
    time: T0 + i * 1000,
    requestId: `r${i}`,
    region: 'us-east-1',
    sourceIp: '10.0.0.1',
    userAgent: 'ua',
    userIdentity: { type: 'Root', accountId: '111122223333' },
    recipientAccountId: '111122223333',
    requestParameters: { keyId: `k${i}` },
    responseElements: null,
    resources: [],
  });
}

/** 6 records, a digest over 1..4 after record 4; returns lines and rows. */
async function exportLines(): Promise<{ lines: string[]; rows: AuditRecordRow[] }> {
  const rows: AuditRecordRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= 6; i += 1) {
    const r = chainRecord('n1', i, prev, event(i), T0 + i * 1000);
    rows.push(r);
    prev = r.hash;
  }
  const d = await makeDigest(
    { nodeId: 'n1', digestSeq: 1, firstSeq: 1, lastSeq: 4, headHash: rows[3]!.hash, prevDigestHash: GENESIS_HASH, digestTime: T0 + 5000, publicKeyFingerprint: signer.fingerprint },
    (b) => signer.signBody(b),
  );
  const lines = rows.map(recordLine);
  lines.splice(4, 0, digestLine(d));
  return { lines, rows };
}

const verify = (lines: string[]) => verifyChains(fileSource(lines.join('\n')), signer.key, signer.fingerprint);

describe('audit verify --file', () => {
  it('verifies an untouched export and reports what no digest covers', async () => {
    const { lines } = await exportLines();
    const r = await verify(lines);
    expect(r).toMatchObject({ ok: true, nodes: [{ nodeId: 'n1', records: 6, firstSeq: 1, lastSeq: 6, digests: 1, signedThrough: 4 }] });
    expect(r.notes).toStrictEqual(['node n1: seq 5..6 are not yet covered by a signed digest']);
  });

  it('names an altered line', async () => {
    const { lines, rows } = await exportLines();
    lines[1] = lines[1]!.replace('"keyId":"k2"', '"keyId":"k9"');
    expect((await verify(lines)).problems[0]).toMatchObject({ kind: 'altered', seq: 2, eventId: rows[1]!.eventId });
  });

  it('names a deleted line', async () => {
    const { lines } = await exportLines();
    lines.splice(2, 1); // seq 3
    expect((await verify(lines)).problems[0]).toMatchObject({ kind: 'missing', seq: 3 });
  });

  it('names swapped lines', async () => {
    const { lines, rows } = await exportLines();
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    expect((await verify(lines)).problems[0]).toMatchObject({ kind: 'reordered', seq: 3, eventId: rows[2]!.eventId });
  });

  it('names an inserted line that links correctly to its predecessor', async () => {
    const { lines, rows } = await exportLines();
    const forged = chainRecord('n1', 3, rows[1]!.hash, event(99, 'DisableKey'), T0 + 2500);
    lines.splice(2, 0, recordLine(forged));
    expect((await verify(lines)).problems[0]).toMatchObject({ kind: 'inserted', seq: 3, eventId: forged.eventId });
  });

  it('names a changed digest line and a bad signature', async () => {
    const { lines } = await exportLines();
    const changed = [...lines];
    changed[4] = changed[4]!.replace('"lastSequence":4', '"lastSequence":3');
    expect((await verify(changed)).problems[0]).toMatchObject({ kind: 'digest-altered', digestSeq: 1 });
    const resigned = [...lines];
    const d = JSON.parse(resigned[4]!) as { strongroomDigest: { signature: string } };
    d.strongroomDigest.signature = d.strongroomDigest.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    resigned[4] = JSON.stringify(d);
    expect((await verify(resigned)).problems[0]).toMatchObject({ kind: 'digest-signature', digestSeq: 1 });
  });

  it('names records removed from the end of a signed range', async () => {
    const { lines } = await exportLines();
    const cut = [lines[0]!, lines[1]!, lines[4]!]; // seq 1, 2 and the digest over 1..4
    expect((await verify(cut)).problems[0]).toMatchObject({ kind: 'truncated', seq: 3 });
  });

  it('refuses a line that is not an export line', async () => {
    const { lines } = await exportLines();
    expect(() => fileSource([...lines, '{"eventName":"Encrypt"}'].join('\n'))).toThrow(InvalidExportError);
    expect(() => fileSource('not json')).toThrow(InvalidExportError);
  });
});
