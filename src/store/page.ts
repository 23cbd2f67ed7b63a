/**
 * Keyset pagination shared by both backends. Queries fetch `limit + 1` rows strictly after the
 * cursor; the extra row only tells us that another page exists and is never returned, so the
 * cursor is always the sort key of an item the caller has seen. Because the cursor is a value
 * rather than an offset, rows inserted or deleted between pages neither repeat nor shift items.
 */
import type { Page, PageRequest } from '../kms/ports/store.js';

/**
 * Rejects limits a query cannot honour (SQLite reads a negative LIMIT as "no limit"). Callers
 * validate user input; this guards the port contract.
 */
export function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${String(limit)}`);
  }
  return limit;
}

export function fetchSize(page: PageRequest): number {
  return checkLimit(page.limit) + 1;
}

export function toPage<T>(rows: T[], limit: number, sortKey: (item: T) => string): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, next: sortKey(items[items.length - 1]!) };
}
