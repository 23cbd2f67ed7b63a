import type { Migration } from './types.js';
import { initial } from './001_initial.js';
import { audit } from './002_audit.js';
import { authorization } from './003_authorization.js';
import { lifecycle } from './004_lifecycle.js';
import { asymmetric } from './005_asymmetric.js';
import { xks } from './006_xks.js';

export type { Migration } from './types.js';

/** Every migration in version order; both runners apply the missing ones in this order. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([initial, audit, authorization, lifecycle, asymmetric, xks]);

/** Refuses to run against a database written by a newer Strongroom, whose schema we cannot know. */
export function assertNotNewer(appliedVersions: readonly number[], migrations: readonly Migration[]): void {
  const known = new Set(migrations.map((m) => m.version));
  const unknown = appliedVersions.filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new Error(
      `database has schema migration(s) ${unknown.join(', ')} unknown to this Strongroom version; ` +
        'upgrade Strongroom instead of running an older release against this database',
    );
  }
}
