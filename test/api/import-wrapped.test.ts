import { importSuite } from './import-suite.js';

importSuite('wrapped key storage, SQLite', () => ({ keyStorage: 'wrapped' }));
