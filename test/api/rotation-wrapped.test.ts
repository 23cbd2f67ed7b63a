import { rotationSuite } from './rotation-suite.js';

rotationSuite('wrapped key storage, SQLite', () => ({ keyStorage: 'wrapped' }));
