/**
 * The token-resident keys Strongroom itself owns: the wrapped-mode domain key and the
 * service-secrets key. Created at first start if absent; afterwards only found (never silently
 * re-created: a new domain key would orphan every wrapped blob). Handles are cached per generation.
 */
import pkcs11js from 'pkcs11js';
import type { Handle, Template } from 'pkcs11js';
import { HsmUnavailableError } from '../kms/ports/hsm.js';
import type { Runtime } from './runtime.js';
import {
  AES_KEY_GEN,
  DOMAIN_KEY_ID,
  DOMAIN_KEY_LABEL,
  SERVICE_KEY_ID,
  SERVICE_KEY_LABEL,
  domainKeyTemplate,
  findSecretKeyTemplate,
  serviceKeyTemplate,
} from './templates.js';
import type { HsmLog, Token } from './token.js';

interface KeySpec {
  label: string;
  id: Buffer;
  template(): Template;
}

const SPECS = {
  domain: { label: DOMAIN_KEY_LABEL, id: DOMAIN_KEY_ID, template: domainKeyTemplate },
  service: { label: SERVICE_KEY_LABEL, id: SERVICE_KEY_ID, template: serviceKeyTemplate },
} satisfies Record<string, KeySpec>;

export type WellKnownKey = keyof typeof SPECS;

export class WellKnownKeys {
  private readonly cache = new Map<WellKnownKey, { handle: Handle; generation: number }>();

  constructor(
    private readonly token: Token,
    private readonly log: HsmLog,
  ) {}

  /** The handle for the current generation, found on the anchor session on first use. */
  handle(which: WellKnownKey): Handle {
    const cached = this.cache.get(which);
    if (cached && cached.generation === this.token.generation) return cached.handle;
    const handle = this.find(which);
    if (!handle) {
      this.token.assertLoggedIn();
      throw new HsmUnavailableError(`HSM key '${SPECS[which].label}' is missing from token '${this.token.tokenLabel}'`);
    }
    this.cache.set(which, { handle, generation: this.token.generation });
    return handle;
  }

  /** Re-finds after a reconnect; throws if a key that existed has vanished. */
  refresh(which: WellKnownKey[]): void {
    this.cache.clear();
    for (const w of which) this.handle(w);
  }

  /** First start: creates the key in the token if no object with its CKA_ID exists. */
  async ensure(runtime: Runtime, which: WellKnownKey): Promise<void> {
    const existing = await runtime.withAnchor('find key', () => this.find(which));
    if (existing) return;
    const spec = SPECS[which];
    await runtime.withSession('create key', async (s) => {
      const handle = await this.token.p.C_GenerateKeyAsync(s.handle, AES_KEY_GEN, spec.template());
      this.cache.set(which, { handle, generation: s.generation });
    });
    this.log.info({ label: spec.label }, 'created HSM key at first start');
  }

  private find(which: WellKnownKey): Handle | undefined {
    const spec = SPECS[which];
    const found = this.token.findAll([...findSecretKeyTemplate(spec.id), { type: pkcs11js.CKA_LABEL, value: spec.label }]);
    if (found.length > 1) {
      // SoftHSM accepts duplicate CKA_IDs: two processes raced at first start. Refuse to guess.
      throw new HsmUnavailableError(
        `token '${this.token.tokenLabel}' holds ${found.length} objects labelled '${spec.label}'; remove the extra ones`,
      );
    }
    return found[0];
  }
}
