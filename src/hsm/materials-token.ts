/**
 * `token` storage: each key version is a persistent, non-extractable, derive-only token object
 * (CKA_ID = utf8 "<keyId>/<materialId>"). Handles are found in one C_FindObjects pass at start and
 * cached per generation; a miss is re-found by CKA_ID, twice (SoftHSM 2.6.1 multi-process
 * visibility bug: another process's new object is sometimes not seen at once, DESIGN.md).
 *
 * Find is a linear scan in SoftHSM (about 13 µs per object, notes §3j), so the start pass reads
 * CKA_LABEL/CKA_ID of every secret key once instead of one find per material.
 */
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { HsmError, HsmKeyNotFoundError, type GeneratedMaterial, type MaterialRef } from '../kms/ports/hsm.js';
import { Lru } from './lru.js';
import { materialKey, type MaterialLease, type MaterialStore } from './materials.js';
import type { PooledSession } from './pool.js';
import type { Runtime } from './runtime.js';
import { AES_KEY_GEN, MATERIAL_LABEL_PREFIX, findSecretKeyTemplate, materialCkaId, tokenMaterialTemplate } from './templates.js';
import type { HsmLog, Token } from './token.js';

interface Entry {
  handle: Handle;
  generation: number;
}

const NO_RELEASE = (): void => {};

export class TokenMaterialStore implements MaterialStore {
  readonly mode = 'token' as const;
  /** Token objects are not destroyed on eviction: the bound only limits memory. */
  private readonly cache: Lru<string, Entry>;

  constructor(
    private readonly token: Token,
    private readonly runtime: Runtime,
    private readonly log: HsmLog,
    cacheSize: number,
  ) {
    this.cache = new Lru(cacheSize);
  }

  get cachedCount(): number {
    return this.cache.size;
  }

  /** One pass over the token's secret keys; materials are recognised by the `sr:` label prefix. */
  async start(): Promise<void> {
    const count = await this.runtime.withAnchor('index materials', (anchor) => {
      const { p } = this.token;
      const generation = this.token.generation;
      let n = 0;
      for (const handle of this.token.findAll([{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }])) {
        const [label, id] = p.C_GetAttributeValue(anchor, handle, [{ type: pkcs11js.CKA_LABEL }, { type: pkcs11js.CKA_ID }]);
        if (!label?.value.toString('utf8').startsWith(MATERIAL_LABEL_PREFIX) || !id) continue;
        this.cache.set(id.value.toString('utf8'), { handle, generation });
        n += 1;
      }
      return n;
    });
    this.log.info({ materials: count }, 'indexed token-resident key materials');
  }

  async generate(session: PooledSession, keyId: string, materialId: string): Promise<GeneratedMaterial> {
    const key = materialKey({ keyId, materialId });
    // SoftHSM accepts duplicate CKA_IDs; refuse to create a second object for one material.
    if (this.cache.get(key)) throw new HsmError(`material ${materialId} already exists in the token`);
    const handle = await this.token.p.C_GenerateKeyAsync(session.handle, AES_KEY_GEN, tokenMaterialTemplate(keyId, materialId));
    this.cache.set(key, { handle, generation: session.generation });
    return {};
  }

  async lease(ref: MaterialRef): Promise<MaterialLease> {
    const key = materialKey(ref);
    const cached = this.cache.get(key);
    if (cached && cached.generation === this.token.generation) return { handle: cached.handle, release: NO_RELEASE };
    const handle = this.findOrThrow(ref);
    this.cache.set(key, { handle, generation: this.token.generation });
    return { handle, release: NO_RELEASE };
  }

  async destroy(ref: MaterialRef): Promise<void> {
    const key = materialKey(ref);
    this.cache.take(key);
    await this.runtime.withAnchor('destroy material', (anchor) => {
      // Every object with this CKA_ID (duplicates are possible, see generate()).
      const found = this.findById(ref);
      if (found.length === 0) this.token.assertLoggedIn(); // absent is fine; invisible is not
      for (const handle of found) this.token.p.C_DestroyObject(anchor, handle);
    });
  }

  private findOrThrow(ref: MaterialRef): Handle {
    const found = this.findById(ref)[0] ?? this.findById(ref)[0];
    if (found) return found;
    // No match may just mean "logged out" (private objects are invisible then): recover instead.
    this.token.assertLoggedIn();
    throw new HsmKeyNotFoundError(`material ${ref.materialId} of key ${ref.keyId} is not in the token`);
  }

  private findById(ref: MaterialRef): Handle[] {
    return this.token.findAll(findSecretKeyTemplate(materialCkaId(ref.keyId, ref.materialId)));
  }
}
