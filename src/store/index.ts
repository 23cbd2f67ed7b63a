/**
 * Store factory: the embedded SQLite file by default, PostgreSQL when several nodes share one
 * database. Either way the schema is migrated before the store is returned.
 */
import type { Store } from '../kms/ports/store.js';
import { openPostgresStore, type PoolOptions } from './postgres/open.js';
import { openSqliteStore } from './sqlite/open.js';

export type StoreOptions = { sqlitePath: string } | PoolOptions;

export async function openStore(opts: StoreOptions): Promise<Store> {
  if ('sqlitePath' in opts) return openSqliteStore(opts.sqlitePath);
  return openPostgresStore(opts);
}

export { MIGRATIONS, type Migration } from './migrations/index.js';
