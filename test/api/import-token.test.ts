import { importSuite } from './import-suite.js';

importSuite('token key storage, SQLite', () => ({ keyStorage: 'token' }));
