import { authzCryptoSuite } from './authz-crypto-suite.js';

authzCryptoSuite('wrapped key storage, SQLite', () => ({ keyStorage: 'wrapped' }));
