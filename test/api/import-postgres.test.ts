import { afterAll } from 'vitest';
import { importSuite } from './import-suite.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres | undefined;
afterAll(async () => {
  await pg?.close();
});

importSuite('wrapped key storage, PostgreSQL', async () => {
  pg = await startTestPostgres();
  return { keyStorage: 'wrapped', databaseUrl: await pg.fresh() };
});
