/**
 * Limit / Marker / Truncated / NextMarker (reference §5.8). Markers are opaque to clients; ours
 * carry the sort key of the last item returned (keyset pagination, so pages stay stable while
 * other callers insert). A marker we did not issue → InvalidMarkerException.
 */
import type { Page, PageRequest } from './ports/store.js';
import { InvalidMarkerException, ValidationException } from './errors.js';

const PREFIX = 'sr1:';

export interface LimitRule {
  /** AWS's documented default page size for the operation. */
  default: number;
  /** AWS's documented maximum for the operation (the model allows up to 1000). */
  max: number;
}

export function pageRequest(limit: number | undefined, marker: string | undefined, rule: LimitRule): PageRequest {
  if (limit !== undefined && limit > rule.max) {
    throw new ValidationException(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${rule.max}`,
    );
  }
  const req: PageRequest = { limit: limit ?? rule.default };
  if (marker !== undefined) req.after = decodeMarker(marker);
  return req;
}

function decodeMarker(marker: string): string {
  let text = '';
  try {
    text = Buffer.from(marker, 'base64url').toString('utf8');
  } catch {
    // fall through to the error below
  }
  if (!text.startsWith(PREFIX) || Buffer.from(text, 'utf8').toString('base64url') !== marker) {
    throw new InvalidMarkerException('Invalid marker. The marker must be a value returned by a previous call.');
  }
  return text.slice(PREFIX.length);
}

export function encodeMarker(after: string): string {
  return Buffer.from(PREFIX + after, 'utf8').toString('base64url');
}

export interface PageWire {
  Truncated: boolean;
  NextMarker?: string;
}

export function pageWire<T>(page: Page<T>): PageWire {
  return page.next === undefined ? { Truncated: false } : { Truncated: true, NextMarker: encodeMarker(page.next) };
}
