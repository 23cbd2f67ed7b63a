import { afterAll } from 'vitest';
import { signingSuite } from './signing-suite.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres | undefined;
afterAll(async () => {
  await pg?.close();
});

signingSuite('token key storage, PostgreSQL', async () => {
  pg = await startTestPostgres();
  return { keyStorage: 'token', databaseUrl: await pg.fresh() };
});
