import { afterEach } from 'vitest';
import type { Store } from '../../src/kms/ports/store.js';
import { openStore, type StoreOptions } from '../../src/store/index.js';

/** What a backend's test file supplies to the shared behaviour suite. */
export interface StoreHarness {
  kind: Store['kind'];
  /** Options naming a new, empty database (a temp file, or a fresh PostgreSQL schema). */
  fresh(): Promise<StoreOptions>;
  /** Runs SQL directly against a location, bypassing the store, to inspect raw rows. */
  query(opts: StoreOptions, sql: string): Promise<Record<string, unknown>[]>;
}

/** Opens stores for one test and closes them all after it, pass or fail. */
export function useStores(h: StoreHarness) {
  const open: Store[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  const track = async (opts: StoreOptions): Promise<Store> => {
    const s = await openStore(opts);
    open.push(s);
    return s;
  };
  return {
    /** A store on a fresh, empty database. */
    fresh: async (): Promise<Store> => track(await h.fresh()),
    /** Same, also returning the location for raw inspection or a second open. */
    freshWithOptions: async (): Promise<{ store: Store; opts: StoreOptions }> => {
      const opts = await h.fresh();
      return { store: await track(opts), opts };
    },
    /** A store on a given location (to open the same database twice). */
    at: track,
  };
}

/** Row count of a table, read directly. */
export async function countRows(h: StoreHarness, opts: StoreOptions, table: string): Promise<number> {
  const rows = await h.query(opts, `SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rows[0]?.n);
}
