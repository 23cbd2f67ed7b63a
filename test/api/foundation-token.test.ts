import { foundationSuite } from './foundation-suite.js';

foundationSuite('token key storage, SQLite', () => ({ keyStorage: 'token' }));
