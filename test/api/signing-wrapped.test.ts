import { signingSuite } from './signing-suite.js';

signingSuite('wrapped key storage, SQLite', () => ({ keyStorage: 'wrapped' }));
