import type Database from 'better-sqlite3';
import { assertNotNewer, type Migration } from '../migrations/index.js';

/**
 * Applies the missing migrations in one BEGIN IMMEDIATE transaction: the write lock is taken
 * before schema_migrations is read, so when several processes open the same file at once the
 * others wait (busy_timeout) and then find the work done, instead of applying it twice.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly Migration[], now: () => number): void {
  const run = db.transaction(() => {
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (' +
        'version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
    );
    const applied = db.prepare<[], number>('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    assertNotNewer(applied, migrations);
    const record = db.prepare<[number, string, number]>(
      'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
    );
    const done = new Set(applied);
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      db.exec(m.sqlite);
      record.run(m.version, m.name, now());
    }
  });
  run.immediate();
}
