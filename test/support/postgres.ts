/**
 * A PostgreSQL database for end-to-end suites: STRONGROOM_TEST_DATABASE_URL when set (npm test
 * starts a throwaway cluster and sets it), else a throwaway cluster of our own — except with
 * STRONGROOM_REQUIRE_PG=1, where a missing database fails the run instead of skipping it.
 * Each call of fresh() returns a URL whose search_path is a new, empty schema.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/pg-throwaway.sh', import.meta.url));

export interface TestPostgres {
  fresh(): Promise<string>;
  close(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  let baseUrl = process.env.STRONGROOM_TEST_DATABASE_URL;
  let clusterDir: string | undefined;
  if (!baseUrl) {
    if (process.env.STRONGROOM_REQUIRE_PG === '1') {
      throw new Error('STRONGROOM_REQUIRE_PG=1 but STRONGROOM_TEST_DATABASE_URL is not set: refusing to skip the PostgreSQL suite');
    }
    clusterDir = await mkdtemp(join(tmpdir(), 'srpg-'));
    const { stdout } = await run('bash', [SCRIPT, 'start', clusterDir], { timeout: 300_000 });
    baseUrl = stdout.trim().split('\n').pop()!;
  }
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  const schemas: string[] = [];
  return {
    async fresh() {
      const schema = `sr_e2e_${randomBytes(6).toString('hex')}`;
      await admin.query(`CREATE SCHEMA ${schema}`);
      schemas.push(schema);
      const url = new URL(baseUrl!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url.toString();
    },
    async close() {
      try {
        for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
        await admin.end();
      } finally {
        if (clusterDir) {
          await run('bash', [SCRIPT, 'stop', clusterDir]);
          await rm(clusterDir, { recursive: true, force: true });
        }
      }
    },
  };
}
