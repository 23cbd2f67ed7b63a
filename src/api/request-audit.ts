/**
 * One audit record per API request (issue 6), for the KMS JSON endpoint and the CloudTrail
 * LookupEvents endpoint: successful, failed, denied, and refused before authentication (then
 * the userIdentity is only what the request claimed: the access key id of its Credential scope).
 * A success is answered only once its record is durable (fail-closed); an error answer waits for
 * its record too while the audit log is healthy, and does not while it is refusing requests, so a
 * broken disk gives fast errors.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../kms/context.js';
import { KMSInternalException } from '../kms/errors.js';
import { aliasArn } from '../kms/model/arn.js';
import { lengthPrefixed } from '../lib/bytes.js';
import { parseAuthorization } from '../auth/sigv4-parse.js';
import type { AuditLog, AuditStatus } from '../audit/audit-log.js';
import { apiCallEvent } from '../audit/build.js';
import type { Json } from '../audit/canonical.js';
import type { CloudTrailEvent } from '../audit/event.js';
import { unauthenticatedIdentity, userIdentityOf } from '../audit/identity.js';
import { clearEncryptionContext, encryptionContextsOf, requestParameters, responseElements, type EcRenderer } from '../audit/redact.js';

export type EcMode = 'clear' | 'hmac';

export interface RequestAuditDeps {
  log: Pick<AuditLog, 'append' | 'admit' | 'status'>;
  partition: string;
  ecMode: EcMode;
  /** HMAC-SHA256 in the token (hsm.audit.hmac), for ecMode 'hmac'. */
  hmac(data: Buffer): Promise<Buffer>;
  /** Account of a claimed access key, for the record of a request refused before authentication. */
  accountOfAccessKey(accessKeyId: string): Promise<string | undefined>;
}

export interface AuditedRequest {
  req: IncomingMessage;
  eventSource?: string;
  eventName: string;
  requestId: string;
  /** Epoch ms at which the request arrived. */
  time: number;
  caller?: Caller;
  /** Key (and alias) ARNs the operation touched; resolveKey and keyForBlob add to it. */
  resources: Set<string>;
  /** The decoded request, when decoding got that far. */
  input?: Record<string, unknown>;
  /** requestParameters given by the endpoint itself (non-KMS operations such as LookupEvents). */
  requestParameters?: Json;
}

const OPS_NAMING_ALIASES: ReadonlySet<string> = new Set(['CreateAlias', 'UpdateAlias', 'DeleteAlias']);
const MAX_USER_AGENT = 1024;

function sourceIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function claimedScope(req: IncomingMessage): { accessKeyId?: string; region?: string } {
  const auth = req.headers.authorization;
  if (typeof auth !== 'string') return {};
  try {
    const a = parseAuthorization(auth);
    return { accessKeyId: a.accessKeyId.slice(0, 128), region: a.region.slice(0, 64) };
  } catch {
    return {};
  }
}

export class RequestAuditor {
  constructor(private readonly d: RequestAuditDeps) {}

  /** For /readyz: a node whose audit log cannot write is not ready. */
  status(): AuditStatus {
    return this.d.log.status();
  }

  /** Before running an operation: refuses at once while the audit log cannot write. */
  admit(): void {
    if (!this.d.log.admit()) throw new KMSInternalException('The audit log is unavailable; the request was not performed. Retry the request.');
  }

  /** Resolves when the record of a completed request is durable; throws KMSInternalException otherwise. */
  async success(a: AuditedRequest, output: object): Promise<void> {
    let event: CloudTrailEvent;
    try {
      event = await this.build(a, output, undefined);
    } catch {
      // The record cannot be made (HMAC mode with the token failing): the request fails, and that is recorded.
      const message = 'The request could not be recorded in the audit log. Retry the request.';
      await this.failure(a, { code: 'KMSInternalException', message });
      throw new KMSInternalException(message);
    }
    try {
      await Promise.all(deliveries(event).map((e) => this.d.log.append(e, a.time)));
    } catch {
      throw new KMSInternalException('The request could not be recorded in the audit log. Retry the request.');
    }
  }

  /** Records a failed request; never throws (the caller is already answering with an error). */
  async failure(a: AuditedRequest, error: { code: string; message: string }): Promise<void> {
    const healthy = this.d.log.admit();
    let event: CloudTrailEvent;
    try {
      event = await this.build(a, undefined, error);
    } catch {
      // HMAC of the context failed (HSM down): record the call without its parameters.
      event = await this.build({ ...a, input: undefined }, undefined, error);
    }
    // A cross-account call refused for access reasons is logged only in the caller's account.
    const events = error.code === 'AccessDeniedException' ? [event] : deliveries(event);
    const written = Promise.all(events.map((e) => this.d.log.append(e, a.time).catch(() => {})));
    if (healthy) await written;
  }

  private async build(a: AuditedRequest, output: object | undefined, error: { code: string; message: string } | undefined): Promise<CloudTrailEvent> {
    const { req, caller } = a;
    const claimed = caller ? {} : claimedScope(req);
    const region = caller?.region ?? claimed.region ?? 'us-east-1';
    const ec = await this.ecRenderer(a);
    let params = a.requestParameters !== undefined ? a.requestParameters : a.input ? requestParameters(a.eventName, a.input, ec) : null;
    if (a.input && a.requestParameters === undefined) {
      // Decrypt with only a ciphertext still logs its algorithm and the key the ciphertext names.
      const filled = (params ?? {}) as Record<string, Json | undefined>;
      fillDefaults(a.eventName, filled, a.resources);
      params = Object.keys(filled).length > 0 ? (filled as Json) : null;
    }
    const resources = new Set(a.resources);
    if (caller && OPS_NAMING_ALIASES.has(a.eventName) && typeof a.input?.AliasName === 'string') {
      resources.add(aliasArn({ partition: this.d.partition, accountId: caller.accountId, region }, a.input.AliasName));
    }
    const createdArn = (output as { KeyMetadata?: { Arn?: unknown } } | undefined)?.KeyMetadata?.Arn;
    if (typeof createdArn === 'string') resources.add(createdArn);
    const recipient = caller?.accountId ?? (claimed.accessKeyId ? await this.d.accountOfAccessKey(claimed.accessKeyId).catch(() => undefined) : undefined);
    return apiCallEvent({
      eventSource: a.eventSource,
      eventName: a.eventName,
      time: a.time,
      requestId: a.requestId,
      region,
      sourceIp: sourceIp(req),
      userAgent: String(req.headers['user-agent'] ?? '').slice(0, MAX_USER_AGENT),
      userIdentity: caller ? userIdentityOf(caller) : unauthenticatedIdentity(claimed.accessKeyId),
      recipientAccountId: recipient,
      requestParameters: params,
      responseElements: output ? responseElements(a.eventName, output, ec) : null,
      resources,
      error,
    });
  }

  private async ecRenderer(a: AuditedRequest): Promise<EcRenderer> {
    if (this.d.ecMode === 'clear' || !a.input || a.requestParameters !== undefined) return clearEncryptionContext;
    const values = new Map<string, string>();
    for (const ec of encryptionContextsOf(a.eventName, a.input)) {
      for (const [k, v] of ec) {
        const id = `${k}\u0000${v}`;
        if (values.has(id)) continue;
        // Keyed by the pair, so equal values under different keys do not link records.
        const mac = await this.d.hmac(lengthPrefixed(Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')));
        values.set(id, `hmac-sha256:${mac.toString('base64')}`);
      }
    }
    return (ec) => {
      const out: Record<string, Json> = {};
      for (const [k, v] of ec) {
        Object.defineProperty(out, k, { value: values.get(`${k}\u0000${v}`) ?? null, enumerable: true, writable: true, configurable: true });
      }
      return out;
    };
  }
}

/**
 * The record as each account receives it: calls on a key of another account are logged in the
 * caller's and in the key owner's account (reference §6), each copy with its own eventID, the
 * owner's under its recipientAccountId, both with one sharedEventID (as CloudTrail does).
 */
function deliveries(event: CloudTrailEvent): CloudTrailEvent[] {
  // Each resource already names its account (audit/build.ts resourcesOf, from the parsed ARN).
  const owners = new Set<string>();
  for (const r of event.resources ?? []) if (r.accountId !== event.recipientAccountId) owners.add(r.accountId);
  if (owners.size === 0 || event.recipientAccountId === undefined) return [event];
  const sharedEventID = randomUUID();
  const caller = { ...event, sharedEventID };
  return [caller, ...[...owners].map((recipientAccountId) => ({ ...caller, eventID: randomUUID(), recipientAccountId }))];
}

/** CloudTrail always logs the algorithm of symmetric crypto calls and Decrypt's resolved key (reference §6). */
function fillDefaults(op: string, params: Record<string, Json | undefined>, resources: Set<string>): void {
  if (op === 'Encrypt' || op === 'Decrypt') params.encryptionAlgorithm ??= 'SYMMETRIC_DEFAULT';
  if (op === 'ReEncrypt') {
    params.sourceEncryptionAlgorithm ??= 'SYMMETRIC_DEFAULT';
    params.destinationEncryptionAlgorithm ??= 'SYMMETRIC_DEFAULT';
  }
  if (op === 'Decrypt' && params.keyId === undefined) {
    const first = resources.values().next();
    if (!first.done) params.keyId = first.value;
  }
}
