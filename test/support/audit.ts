/** Reading a test server's audit trail, straight from its store. */
import type { CloudTrailEvent } from '../../src/audit/event.js';
import { parseRecordBody } from '../../src/audit/chain.js';
import type { AuditRecordRow } from '../../src/kms/ports/store-audit.js';
import { verifyChains } from '../../src/audit/verify.js';
import { databaseSource } from '../../src/audit/verify-sources.js';
import { publicKeyFingerprint, signingKeyObject } from '../../src/audit/digest.js';
import type { VerifyReport } from '../../src/audit/verify-types.js';
import type { TestServer } from './server.js';

export async function auditRows(srv: TestServer): Promise<AuditRecordRow[]> {
  const out: AuditRecordRow[] = [];
  for (let after = 0; ; ) {
    const page = await srv.svc.deps.store.audit.chain(srv.config.audit.nodeId, after, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
    after = page[page.length - 1]!.seq;
  }
}

export async function auditEvents(srv: TestServer): Promise<CloudTrailEvent[]> {
  return (await auditRows(srv)).map((r) => parseRecordBody(r.body).event);
}

/** The one record of the request with this id (fails the test if there is not exactly one). */
export async function eventOf(srv: TestServer, requestId: string | undefined): Promise<CloudTrailEvent> {
  const found = (await auditEvents(srv)).filter((e) => e.requestID === requestId);
  if (found.length !== 1) throw new Error(`expected one audit record for request ${requestId}, found ${found.length}`);
  return found[0]!;
}

/** The request id of a failed SDK call. */
export async function failedRequestId(p: Promise<unknown>): Promise<{ name: string; message: string; requestId?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata?: { requestId?: string } };
    return { name: err.name, message: err.message, requestId: err.$metadata?.requestId };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function verifyServer(srv: TestServer): Promise<VerifyReport> {
  const spki = await srv.svc.deps.hsm.audit.publicKey();
  return verifyChains(databaseSource(srv.svc.deps.store.audit), signingKeyObject(spki), publicKeyFingerprint(spki));
}
