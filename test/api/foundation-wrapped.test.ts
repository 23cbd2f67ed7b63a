import { foundationSuite } from './foundation-suite.js';

foundationSuite('wrapped key storage, SQLite', () => ({ keyStorage: 'wrapped' }));
