/**
 * The CloudTrail record shape (CloudTrail User Guide, "CloudTrail record contents"; reference
 * §6). One record per API request and per background (service) event. Member names and value
 * forms are CloudTrail's, so existing CloudTrail tooling and SIEM parsers read them unchanged.
 */
import type { Json } from './canonical.js';

export const EVENT_VERSION = '1.08';
export const KMS_EVENT_SOURCE = 'kms.amazonaws.com';
export const CLOUDTRAIL_EVENT_SOURCE = 'cloudtrail.amazonaws.com';
/** What CloudTrail shows as caller, IP and user agent of events KMS raises itself. */
export const AWS_INTERNAL = 'AWS Internal';

export interface UserIdentity {
  /** Root | IAMUser | AssumedRole for authenticated callers; Unknown before authentication. */
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
}

export interface EventResource {
  accountId: string;
  type: string;
  ARN: string;
}

export interface CloudTrailEvent {
  eventVersion: string;
  userIdentity: UserIdentity;
  /** ISO-8601 UTC, whole seconds: `2022-07-14T20:17:42Z`. */
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Json | null;
  responseElements: Json | null;
  additionalEventData?: Json;
  requestID?: string;
  eventID: string;
  /** Set on the copies of one cross-account call delivered to several accounts (one eventID each). */
  sharedEventID?: string;
  readOnly: boolean;
  resources?: EventResource[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent';
  managementEvent: true;
  recipientAccountId?: string;
  serviceEventDetails?: Json;
  eventCategory: 'Management';
}

/** `2022-07-14T20:17:42Z`: CloudTrail's eventTime has no fractional seconds. */
export function cloudTrailTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Dates inside requestParameters/responseElements, as CloudTrail renders KMS timestamps
 * (e.g. keyMetadata.creationDate `"Aug 10, 2022, 10:38:27 PM"`; reference §6), in UTC.
 */
export function cloudTrailDate(ms: number): string {
  const d = new Date(ms);
  const h24 = d.getUTCHours();
  const h12 = h24 % 12 === 0 ? 12 : h24 % 12;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h24 < 12 ? 'AM' : 'PM'}`;
}
