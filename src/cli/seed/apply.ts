/**
 * `strongroom init --seed FILE`: a declarative file (YAML, or JSON — a subset of YAML) of
 * accounts, principals, identity policies, access keys, keys and aliases, applied idempotently:
 * a second run with the same file changes nothing and creates no duplicates. Example:
 *
 *   defaults: { account: "111122223333", region: us-east-1 }
 *   accounts: ["111122223333", "444455556666"]
 *   principals:
 *     - user: alice
 *     - role: deployer
 *   policies:
 *     - user: alice
 *       name: use-app-key
 *       document: { Version: "2012-10-17", Statement: [{ Effect: Allow, Action: "kms:*", Resource: "*" }] }
 *   accessKeys:
 *     - { user: alice, accessKeyId: AKIAEXAMPLEALICE0001, secretAccessKey: "…" }
 *     - { role: deployer, generate: true }        # generated once; the secret is printed once
 *   keys:
 *     - { ref: app, description: app data, tags: { team: payments }, policy: { … } }
 *   aliases:
 *     - { name: alias/app, key: app }
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Store } from '../../kms/ports/store.js';
import type { Hsm } from '../../kms/ports/hsm.js';
import type { OpContext } from '../../kms/context.js';
import { PolicyCache } from '../../kms/authz/policy-cache.js';
import { rootArn } from '../../kms/model/arn.js';
import { newRequestId } from '../../lib/ids.js';
import { systemClock } from '../../lib/time.js';
import { SEED_SECTIONS } from './registry.js';
import { fail, obj, SeedError, type SeedContext, type SeedReport } from './types.js';

export { SeedError } from './types.js';

export function readSeedFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SeedError(`seed: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return parse(text);
  } catch (e) {
    throw new SeedError(`seed: ${path} is neither valid YAML nor JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface SeedTarget {
  store: Store;
  hsm: Hsm;
  partition: string;
  defaultAccountId: string;
}

export async function applySeed(target: SeedTarget, doc: unknown): Promise<SeedReport> {
  const top = obj(doc ?? {}, '(file)');
  const known = new Set(SEED_SECTIONS.map((s) => s.name));
  for (const k of Object.keys(top)) if (!known.has(k)) fail(k, `unknown section (known: ${[...known].join(', ')})`);
  const report: SeedReport = { created: [], updated: [], unchanged: 0, generated: [] };
  const policyCache = new PolicyCache();
  const ctx: SeedContext = {
    store: target.store,
    hsm: target.hsm,
    partition: target.partition,
    now: () => systemClock.now(),
    defaults: { account: target.defaultAccountId },
    report,
    keyRefs: new Map(),
    asRoot(accountId, region): OpContext {
      return {
        deps: { store: target.store, hsm: target.hsm, clock: systemClock, settings: { partition: target.partition, maxKeysPerAccountRegion: 100_000 }, policyCache },
        caller: { accountId, principalArn: rootArn(target.partition, accountId), principalType: 'root', accessKeyId: 'strongroom-seed', region },
        requestId: newRequestId(),
      };
    },
  };
  for (const section of SEED_SECTIONS) {
    if (top[section.name] !== undefined && top[section.name] !== null) await section.apply(ctx, top[section.name], section.name);
  }
  return report;
}
