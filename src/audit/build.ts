/** Assembles CloudTrail records from what the API layer and background jobs know. */
import { randomUUID } from 'node:crypto';
import type { Json } from './canonical.js';
import { parseKmsArn } from '../kms/model/arn.js';
import {
  AWS_INTERNAL,
  EVENT_VERSION,
  KMS_EVENT_SOURCE,
  cloudTrailTime,
  type CloudTrailEvent,
  type EventResource,
  type UserIdentity,
} from './event.js';
import { serviceIdentity } from './identity.js';

/** CloudTrail's readOnly: crypto, Describe*, Get*, List* are read-only; everything else mutates. */
const READ_ONLY_CRYPTO: ReadonlySet<string> = new Set([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'GenerateRandom',
  'GenerateMac',
  'VerifyMac',
  'Sign',
  'Verify',
  'DeriveSharedSecret',
  'LookupEvents',
]);

export function isReadOnly(eventName: string): boolean {
  return READ_ONLY_CRYPTO.has(eventName) || /^(Describe|Get|List)/.test(eventName);
}

export function resourcesOf(arns: Iterable<string>): EventResource[] {
  const out: EventResource[] = [];
  for (const arn of arns) {
    const parsed = parseKmsArn(arn);
    // CloudTrail lists alias ARNs of alias operations with type AWS::KMS::Key too (reference §6).
    if (parsed) out.push({ accountId: parsed.accountId, type: 'AWS::KMS::Key', ARN: arn });
  }
  return out;
}

export interface ApiCallFacts {
  eventSource?: string;
  eventName: string;
  time: number;
  requestId: string;
  region: string;
  sourceIp: string;
  userAgent: string;
  userIdentity: UserIdentity;
  recipientAccountId?: string;
  requestParameters: Json | null;
  responseElements: Json | null;
  resources: Iterable<string>;
  error?: { code: string; message: string };
  additionalEventData?: Json;
}

export function apiCallEvent(f: ApiCallFacts): CloudTrailEvent {
  const resources = resourcesOf(f.resources);
  const e: CloudTrailEvent = {
    eventVersion: EVENT_VERSION,
    userIdentity: f.userIdentity,
    eventTime: cloudTrailTime(f.time),
    eventSource: f.eventSource ?? KMS_EVENT_SOURCE,
    eventName: f.eventName,
    awsRegion: f.region,
    sourceIPAddress: f.sourceIp,
    userAgent: f.userAgent,
    requestParameters: f.requestParameters,
    responseElements: f.error ? null : f.responseElements,
    requestID: f.requestId,
    eventID: randomUUID(),
    readOnly: isReadOnly(f.eventName),
    eventType: 'AwsApiCall',
    managementEvent: true,
    eventCategory: 'Management',
  };
  if (f.error) {
    e.errorCode = f.error.code;
    e.errorMessage = f.error.message;
  }
  if (f.additionalEventData !== undefined) e.additionalEventData = f.additionalEventData;
  if (resources.length > 0) e.resources = resources;
  if (f.recipientAccountId !== undefined) e.recipientAccountId = f.recipientAccountId;
  return e;
}

export interface ServiceEventFacts {
  eventName: string;
  time: number;
  /** The account of the resources; absent for events about Strongroom itself. */
  accountId?: string;
  region: string;
  resources: Iterable<string>;
  serviceEventDetails?: Json;
}

/** KMS-initiated events: DeleteKey at the end of the waiting period, RotateKey, … (reference §6). */
export function serviceEvent(f: ServiceEventFacts): CloudTrailEvent {
  const resources = resourcesOf(f.resources);
  const e: CloudTrailEvent = {
    eventVersion: EVENT_VERSION,
    userIdentity: serviceIdentity(f.accountId),
    eventTime: cloudTrailTime(f.time),
    eventSource: KMS_EVENT_SOURCE,
    eventName: f.eventName,
    awsRegion: f.region,
    sourceIPAddress: AWS_INTERNAL,
    userAgent: AWS_INTERNAL,
    requestParameters: null,
    responseElements: null,
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    eventCategory: 'Management',
  };
  if (f.accountId !== undefined) e.recipientAccountId = f.accountId;
  if (resources.length > 0) e.resources = resources;
  if (f.serviceEventDetails !== undefined) e.serviceEventDetails = f.serviceEventDetails;
  return e;
}
