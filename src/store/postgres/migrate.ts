import type pg from 'pg';
import { assertNotNewer, type Migration } from '../migrations/index.js';
import { withTransaction } from './db.js';

/** First half of the advisory lock key ("srmg"); the second half is the schema name's hash. */
const LOCK_CLASS = 0x73726d67;

/**
 * Applies the missing migrations in one transaction (PostgreSQL DDL is transactional) under a
 * transaction-scoped advisory lock, so nodes starting together queue behind one another and
 * only the first one does the work. The lock is per schema so separate schemas in one
 * database (e.g. parallel test runs) do not wait for each other.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[], now: () => number): Promise<void> {
  await withTransaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [LOCK_CLASS]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (' +
        'version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const applied = (await c.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map(
      (r) => r.version,
    );
    assertNotNewer(applied, migrations);
    const done = new Set(applied);
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await c.query(m.postgres);
      await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now()]);
    }
  });
}
