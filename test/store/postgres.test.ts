/**
 * The store behaviour suite against real PostgreSQL. Uses STRONGROOM_TEST_DATABASE_URL when set;
 * otherwise starts a throwaway cluster with scripts/pg-throwaway.sh, unless
 * STRONGROOM_REQUIRE_PG=1 (CI), where a missing database must fail the run, never skip it.
 * Every test gets its own schema (via search_path in the URL), dropped at the end.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../../src/store/index.js';
import { storeBehaviour } from './behaviour/index.js';
import type { StoreHarness } from './harness.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/pg-throwaway.sh', import.meta.url));

let baseUrl = '';
let clusterDir: string | undefined;
let admin: pg.Client | undefined;
const schemas: string[] = [];

beforeAll(async () => {
  const given = process.env.STRONGROOM_TEST_DATABASE_URL;
  if (given) {
    baseUrl = given;
  } else if (process.env.STRONGROOM_REQUIRE_PG === '1') {
    throw new Error('STRONGROOM_REQUIRE_PG=1 but STRONGROOM_TEST_DATABASE_URL is not set: refusing to skip the PostgreSQL store tests');
  } else {
    clusterDir = await mkdtemp(join(tmpdir(), 'srpg-'));
    const { stdout } = await run('bash', [SCRIPT, 'start', clusterDir], { timeout: 300_000 });
    baseUrl = stdout.trim().split('\n').pop()!;
  }
  admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
}, 600_000); // a clean CI machine may first have to apt-get PostgreSQL

afterAll(async () => {
  try {
    if (admin) {
      for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await admin.end();
    }
  } finally {
    if (clusterDir) {
      await run('bash', [SCRIPT, 'stop', clusterDir]);
      await rm(clusterDir, { recursive: true, force: true });
    }
  }
});

function urlOf(opts: StoreOptions): string {
  if (!('databaseUrl' in opts)) throw new Error('not a PostgreSQL location');
  return opts.databaseUrl;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const harness: StoreHarness = {
  kind: 'postgres',
  async fresh() {
    const schema = `sr_test_${randomBytes(6).toString('hex')}`;
    await admin!.query(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return { databaseUrl: url.toString() };
  },
  async query(opts, sql) {
    return withClient(urlOf(opts), async (c) => (await c.query<Record<string, unknown>>(sql)).rows);
  },
};

describe('PostgreSQL store', () => {
  storeBehaviour(harness);

  it('parses BIGINT to numbers for its own pool only, leaving the global pg parsers alone', async () => {
    const opts = await harness.fresh();
    const store = await openStore(opts);
    try {
      const rows = await harness.query(opts, 'SELECT 1700000000000::bigint AS n');
      expect(rows[0]!.n).toBe('1700000000000');
    } finally {
      await store.close();
    }
  });

  it('stores times as BIGINT, blobs as BYTEA and sort keys with byte-order collation', async () => {
    const opts = await harness.fresh();
    const store = await openStore(opts);
    await store.close();
    const cols = await harness.query(
      opts,
      "SELECT table_name, column_name, data_type, collation_name FROM information_schema.columns WHERE table_schema = current_schema() " +
        "AND (table_name, column_name) IN (('keys','creation_date'),('key_materials','wrapped'),('keys','key_id'))",
    );
    const byName = Object.fromEntries(cols.map((c) => [`${String(c.table_name)}.${String(c.column_name)}`, c]));
    expect(byName['keys.creation_date']!.data_type).toBe('bigint');
    expect(byName['key_materials.wrapped']!.data_type).toBe('bytea');
    expect(byName['keys.key_id']!.collation_name).toBe('C');
  });
});
