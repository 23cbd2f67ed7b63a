import { afterAll } from 'vitest';
import { asymmetricCryptoSuite } from './asymmetric-crypto-suite.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let pg: TestPostgres | undefined;
afterAll(async () => {
  await pg?.close();
});

asymmetricCryptoSuite('wrapped key storage, PostgreSQL', async () => {
  pg = await startTestPostgres();
  return { keyStorage: 'wrapped', databaseUrl: await pg.fresh() };
});
