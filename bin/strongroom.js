#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm install` (prepare) and `npm start` build dist/.
import('../dist/cli/main.js');
