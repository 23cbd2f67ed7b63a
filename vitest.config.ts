import { defineConfig } from 'vitest/config';

// Separate projects so each suite can be run alone (`npx vitest run --project hsm`).
// Forks, not threads: pkcs11js and SoftHSM must not share a process between test files, and
// SOFTHSM2_CONF has to be in the real process environment before C_Initialize.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      { extends: true, test: { name: 'hsm', include: ['test/hsm/**/*.test.ts'] } },
      { extends: true, test: { name: 'store', include: ['test/store/**/*.test.ts'] } },
      { extends: true, test: { name: 'api', include: ['test/api/**/*.test.ts'] } },
      { extends: true, test: { name: 'cli', include: ['test/cli/**/*.test.ts'] } },
    ],
  },
});
