/**
 * The outcome of one XKS request: the record handed to the audit hook and the log line the spec
 * asks for (XKS proxy API spec v1.0.3, "Logging": requestMetadata — kmsRequestId above all, to
 * match CloudTrail — processing time and outcome; for AccessDenied, the rule that denied). Neither
 * ever carries plaintext, ciphertext or AAD.
 */
import type { RequestMetadata } from '../../kms/xks/context.js';
import type { Logger } from '../../log/logger.js';
import type { XksOperation } from './routes.js';

/** What one XKS request did: handed to `onRequest` (the audit hook). Never carries plaintext. */
export interface XksRequestRecord {
  /** Strongroom's id for this request (KMS's is requestMetadata.kmsRequestId). */
  requestId: string;
  /** Epoch ms at arrival (wall clock). */
  time: number;
  tenant?: string;
  operation?: XksOperation;
  externalKeyId?: string;
  accessKeyId?: string;
  region?: string;
  sourceIp?: string;
  requestMetadata?: RequestMetadata;
  status: number;
  errorName?: string;
  errorMessage?: string;
  /** The secondary-authorization rule that denied, if one did. */
  deniedByRule?: string;
  durationMs: number;
}

/** The spec's logging guidance: requestMetadata (kmsRequestId above all), processing time, outcome. */
export function logXksRequest(log: Logger, record: XksRequestRecord): void {
  const line = {
    requestId: record.requestId,
    tenant: record.tenant,
    operation: record.operation,
    externalKeyId: record.externalKeyId,
    kmsRequestId: record.requestMetadata?.kmsRequestId,
    kmsOperation: record.requestMetadata?.kmsOperation,
    awsPrincipalArn: record.requestMetadata?.awsPrincipalArn,
    kmsKeyArn: record.requestMetadata?.kmsKeyArn,
    kmsViaService: record.requestMetadata?.kmsViaService,
    status: record.status,
    errorName: record.errorName,
    deniedByRule: record.deniedByRule,
    durationMs: Math.round(record.durationMs * 1000) / 1000,
  };
  if (record.status >= 500) log.warn({ ...line, reason: record.errorMessage }, 'xks request failed');
  else if (record.status === 403) log.info({ ...line, reason: record.errorMessage }, 'xks request denied');
  else log.debug(line, 'xks request');
}
