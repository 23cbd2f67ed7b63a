/**
 * The HSM layer's public surface: the only PKCS#11 code in Strongroom (DESIGN.md layers).
 * `createHsmWithInternals` and the internals types exist for tests and diagnostics.
 */
export { createHsm, createHsmWithInternals } from './create.js';
export { ensureManagedToken } from './managed.js';
export type { HsmInternals, KeyAttributes } from './internals.js';
export type { HsmLog } from './token.js';
