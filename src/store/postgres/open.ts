import type pg from 'pg';
import type { Store } from '../../kms/ports/store.js';
import { MIGRATIONS } from '../migrations/index.js';
import { PostgresAliasRepository } from './aliases.js';
import { createPool, type PoolOptions } from './db.js';
import { PostgresIdentityRepository } from './identities.js';
import { PostgresKeyRepository } from './keys.js';
import { PostgresMetaRepository } from './meta.js';
import { migratePostgres } from './migrate.js';
import { PostgresTagRepository } from './tags.js';
import { PostgresXksKeyRepository } from './xks-keys.js';
import { PostgresGrantRepository } from './grants.js';
import { PostgresIamRepository } from './iam.js';
import { PostgresAuditRepository } from './audit.js';
import { PostgresRotationRepository } from './rotations.js';
import { PostgresImportRepository } from './imports.js';
import { PostgresJobRepository } from './jobs.js';

export type { PoolOptions } from './db.js';

/** Connects, applies migrations, and returns the store; the pool is closed again on failure. */
export async function openPostgresStore(opts: PoolOptions): Promise<Store> {
  const pool = createPool(opts);
  try {
    await migratePostgres(pool, MIGRATIONS, Date.now);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return new PostgresStore(pool);
}

class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly keys: PostgresKeyRepository;
  readonly aliases: PostgresAliasRepository;
  readonly tags: PostgresTagRepository;
  readonly identities: PostgresIdentityRepository;
  readonly meta: PostgresMetaRepository;
  readonly audit: PostgresAuditRepository;
  readonly xksKeys: PostgresXksKeyRepository;
  readonly grants: PostgresGrantRepository;
  readonly iam: PostgresIamRepository;
  readonly rotations: PostgresRotationRepository;
  readonly imports: PostgresImportRepository;
  readonly jobs: PostgresJobRepository;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {
    this.keys = new PostgresKeyRepository(pool);
    this.aliases = new PostgresAliasRepository(pool);
    this.tags = new PostgresTagRepository(pool);
    this.identities = new PostgresIdentityRepository(pool);
    this.meta = new PostgresMetaRepository(pool);
    this.audit = new PostgresAuditRepository(pool);
    this.xksKeys = new PostgresXksKeyRepository(pool);
    this.grants = new PostgresGrantRepository(pool);
    this.iam = new PostgresIamRepository(pool);
    this.rotations = new PostgresRotationRepository(pool);
    this.imports = new PostgresImportRepository(pool);
    this.jobs = new PostgresJobRepository(pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    // pg rejects a second Pool.end(); shutdown paths may well call close twice.
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
