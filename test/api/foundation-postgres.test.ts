import { afterAll } from 'vitest';
import { foundationSuite } from './foundation-suite.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres | undefined;
afterAll(async () => {
  await pg?.close();
});

foundationSuite('wrapped key storage, PostgreSQL', async () => {
  pg = await startTestPostgres();
  return { keyStorage: 'wrapped', databaseUrl: await pg.fresh() };
});
