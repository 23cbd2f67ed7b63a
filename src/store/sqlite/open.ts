import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../../kms/ports/store.js';
import { MIGRATIONS } from '../migrations/index.js';
import { SqliteAliasRepository } from './aliases.js';
import { SqliteIdentityRepository } from './identities.js';
import { SqliteKeyRepository } from './keys.js';
import { SqliteMetaRepository } from './meta.js';
import { migrateSqlite } from './migrate.js';
import { retryWhileBusy } from './busy.js';
import { SqliteTagRepository } from './tags.js';
import { SqliteXksKeyRepository } from './xks-keys.js';
import { SqliteGrantRepository } from './grants.js';
import { SqliteIamRepository } from './iam.js';
import { SqliteAuditRepository } from './audit.js';
import { SqliteRotationRepository } from './rotations.js';
import { SqliteImportRepository } from './imports.js';
import { SqliteJobRepository } from './jobs.js';

const MEMORY = ':memory:';
// How long a process opening the file waits for others that are creating or migrating it.
const OPEN_BUSY_BUDGET_MS = 10_000;

/**
 * Opens (creating if needed) the database file, sets the pragmas and applies migrations.
 * `:memory:` gives a private in-memory database, handy for unit tests of other layers.
 */
export function openSqliteStore(path: string): Store {
  if (path !== MEMORY) {
    // 0700: the file holds key policies, wrapped key blobs and sealed access-key secrets.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  }
  const db = new Database(path);
  try {
    // busy_timeout first: migrations and later writes wait for other processes' locks; the WAL
    // switch does not use the busy handler, hence the retry around it.
    db.pragma('busy_timeout = 5000');
    const mode = retryWhileBusy(() => db.pragma('journal_mode = WAL', { simple: true }), OPEN_BUSY_BUDGET_MS);
    if (path !== MEMORY && mode !== 'wal') {
      throw new Error(`SQLite refused WAL journal mode for ${path} (got ${String(mode)}); is it on a network filesystem?`);
    }
    // FULL: a commit is durable once it returns (the audit log relies on it being fail-closed).
    db.pragma('synchronous = FULL');
    // Per connection and off by default; the cascading deletes of a key's rows depend on it.
    db.pragma('foreign_keys = ON');
    retryWhileBusy(() => migrateSqlite(db, MIGRATIONS, Date.now), OPEN_BUSY_BUDGET_MS);
    return new SqliteStore(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly keys: SqliteKeyRepository;
  readonly aliases: SqliteAliasRepository;
  readonly tags: SqliteTagRepository;
  readonly identities: SqliteIdentityRepository;
  readonly meta: SqliteMetaRepository;
  readonly audit: SqliteAuditRepository;
  readonly xksKeys: SqliteXksKeyRepository;
  readonly grants: SqliteGrantRepository;
  readonly iam: SqliteIamRepository;
  readonly rotations: SqliteRotationRepository;
  readonly imports: SqliteImportRepository;
  readonly jobs: SqliteJobRepository;
  private readonly pingStmt: Database.Statement<[], unknown>;

  constructor(private readonly db: Database.Database) {
    this.keys = new SqliteKeyRepository(db);
    this.aliases = new SqliteAliasRepository(db);
    this.tags = new SqliteTagRepository(db);
    this.identities = new SqliteIdentityRepository(db);
    this.meta = new SqliteMetaRepository(db);
    this.audit = new SqliteAuditRepository(db);
    this.xksKeys = new SqliteXksKeyRepository(db);
    this.grants = new SqliteGrantRepository(db);
    this.iam = new SqliteIamRepository(db);
    this.rotations = new SqliteRotationRepository(db);
    this.imports = new SqliteImportRepository(db);
    this.jobs = new SqliteJobRepository(db);
    this.pingStmt = db.prepare('SELECT 1');
  }

  async ping(): Promise<void> {
    this.pingStmt.get();
  }

  async close(): Promise<void> {
    // Closing twice is harmless in better-sqlite3; later calls on the store throw "not open".
    if (this.db.open) this.db.close();
  }
}
