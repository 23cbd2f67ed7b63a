/** Admin routes: liveness (process up) and readiness (a real token round trip and a store ping). */
import { Router } from 'express';
import type { Hsm } from '../kms/ports/hsm.js';
import type { Store } from '../kms/ports/store.js';

export function adminRouter(hsm: Hsm, store: Store): Router {
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
    const ready = token.ok && db.ok;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', hsm: token, store: { kind: store.kind, ...db } });
  });
  return r;
}
