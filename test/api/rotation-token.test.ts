import { rotationSuite } from './rotation-suite.js';

rotationSuite('token key storage, SQLite', () => ({ keyStorage: 'token' }));
