/** Admin routes: liveness (process up) and readiness (a real token round trip and a store ping). */
import { Router } from 'express';
import type { Hsm } from '../kms/ports/hsm.js';
import type { Store } from '../kms/ports/store.js';

/** The audit log's state; a node that cannot write audit records is not ready (it refuses requests). */
export interface AuditReadiness {
  status(): { ok: boolean };
}

export function adminRouter(hsm: Hsm, store: Store, audit?: AuditReadiness): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    const [token, db] = await Promise.all([
      hsm.health(),
      store.ping().then(
        () => ({ ok: true as const }),
        (e: unknown) => ({ ok: false as const, detail: e instanceof Error ? e.message : String(e) }),
      ),
    ]);
    const auditStatus = audit?.status();
    const ready = token.ok && db.ok && (auditStatus?.ok ?? true);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', hsm: token, store: { kind: store.kind, ...db }, ...(auditStatus ? { audit: auditStatus } : {}) });
  });
  return r;
}
