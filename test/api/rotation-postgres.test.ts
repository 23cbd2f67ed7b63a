import { afterAll } from 'vitest';
import { rotationSuite } from './rotation-suite.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres | undefined;
afterAll(async () => {
  await pg?.close();
});

rotationSuite('token key storage, PostgreSQL', async () => {
  pg = await startTestPostgres();
  return { keyStorage: 'token', databaseUrl: await pg.fresh() };
});
