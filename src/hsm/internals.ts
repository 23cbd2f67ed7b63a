/**
 * Test and diagnostics access to the live PKCS#11 objects behind an Hsm (createHsmWithInternals).
 * Production code uses only the Hsm port. Raw pkcs11js errors propagate unmapped from here, so tests
 * can assert the token's own CKR codes.
 */
import pkcs11js from 'pkcs11js';
import type { Handle, PKCS11 } from 'pkcs11js';
import type { MaterialRef } from '../kms/ports/hsm.js';
import type { MaterialStore } from './materials.js';
import type { Runtime } from './runtime.js';
import type { Token } from './token.js';
import type { WellKnownKey, WellKnownKeys } from './well-known-keys.js';

export interface KeyAttributes {
  token: boolean;
  private: boolean;
  sensitive: boolean;
  extractable: boolean;
  alwaysSensitive: boolean;
  neverExtractable: boolean;
  encrypt: boolean;
  decrypt: boolean;
  wrap: boolean;
  unwrap: boolean;
  derive: boolean;
}

export interface HsmInternals {
  readonly pkcs11: PKCS11;
  generation(): number;
  slot(): Handle;
  /** Holds one pool session exclusively until fn settles (pool exhaustion, C_Logout, …). */
  withSession<T>(fn: (session: Handle) => T | Promise<T>): Promise<T>;
  /** fn gets a pool session and the live handle the material store would derive from. */
  withMaterial<T>(ref: MaterialRef, fn: (session: Handle, material: Handle) => T | Promise<T>): Promise<T>;
  wellKnownKey(which: WellKnownKey): Handle;
  inspectMaterial(ref: MaterialRef): Promise<KeyAttributes>;
  inspectKey(session: Handle, handle: Handle): KeyAttributes;
  stats(): { pool: { open: number; busy: number; waiting: number }; cachedMaterials: number };
}

const BOOL_ATTRIBUTES: Array<[keyof KeyAttributes, number]> = [
  ['token', pkcs11js.CKA_TOKEN],
  ['private', pkcs11js.CKA_PRIVATE],
  ['sensitive', pkcs11js.CKA_SENSITIVE],
  ['extractable', pkcs11js.CKA_EXTRACTABLE],
  ['alwaysSensitive', pkcs11js.CKA_ALWAYS_SENSITIVE],
  ['neverExtractable', pkcs11js.CKA_NEVER_EXTRACTABLE],
  ['encrypt', pkcs11js.CKA_ENCRYPT],
  ['decrypt', pkcs11js.CKA_DECRYPT],
  ['wrap', pkcs11js.CKA_WRAP],
  ['unwrap', pkcs11js.CKA_UNWRAP],
  ['derive', pkcs11js.CKA_DERIVE],
];

export function createInternals(token: Token, runtime: Runtime, materials: MaterialStore, keys: WellKnownKeys): HsmInternals {
  const { p } = token;

  async function withSession<T>(fn: (session: Handle) => T | Promise<T>): Promise<T> {
    const session = await runtime.pool.acquire();
    try {
      return await fn(session.handle);
    } finally {
      runtime.pool.release(session);
    }
  }

  function inspectKey(session: Handle, handle: Handle): KeyAttributes {
    const values = p.C_GetAttributeValue(
      session,
      handle,
      BOOL_ATTRIBUTES.map(([, type]) => ({ type })),
    );
    const out = {} as KeyAttributes;
    BOOL_ATTRIBUTES.forEach(([name], i) => {
      out[name] = values[i]?.value[0] === 1;
    });
    return out;
  }

  async function withMaterial<T>(ref: MaterialRef, fn: (session: Handle, material: Handle) => T | Promise<T>): Promise<T> {
    return withSession(async (session) => {
      const lease = await materials.lease(ref);
      try {
        return await fn(session, lease.handle);
      } finally {
        lease.release();
      }
    });
  }

  return {
    pkcs11: p,
    generation: () => token.generation,
    slot: () => token.slot(),
    withSession,
    withMaterial,
    wellKnownKey: (which) => keys.handle(which),
    inspectMaterial: (ref) => withMaterial(ref, (session, handle) => inspectKey(session, handle)),
    inspectKey,
    stats: () => ({ pool: runtime.pool.stats, cachedMaterials: materials.cachedCount }),
  };
}
