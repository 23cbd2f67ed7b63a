/**
 * `createApp(deps)` builds the Express application (never listens). KMS JSON requests are also
 * reachable through it, but the server built by `createRequestListener` hands them to the
 * dispatcher before Express's router: measured on this machine, Express's per-request cost
 * alone caps throughput at roughly a third of bare node:http (DESIGN "Express's per-request cost").
 */
import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KmsJsonDeps } from './kms-json/handler.js';
import { createKmsJsonHandler, isKmsJsonRequest } from './kms-json/handler.js';
import { adminRouter } from './admin.js';
import { createCloudTrailHandler, isCloudTrailRequest } from './cloudtrail/handler.js';

export type AppDeps = KmsJsonDeps;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const kms = createKmsJsonHandler(deps);
  app.use(adminRouter(deps.kms.hsm, deps.kms.store, deps.audit));
  app.post('/', (req, res) => void kms(req, res));
  return app;
}

export function createRequestListener(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const kms = createKmsJsonHandler(deps);
  const cloudtrail = createCloudTrailHandler(deps);
  const app = createApp(deps);
  return (req, res) => {
    // CloudTrail targets are tested first (one prefix check); everything else with a target is KMS.
    if (isCloudTrailRequest(req)) void cloudtrail(req, res);
    else if (isKmsJsonRequest(req)) void kms(req, res);
    else app(req, res);
  };
}
