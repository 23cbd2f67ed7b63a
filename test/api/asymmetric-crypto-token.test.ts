import { asymmetricCryptoSuite } from './asymmetric-crypto-suite.js';

asymmetricCryptoSuite('token key storage, SQLite', () => ({ keyStorage: 'token' }));
