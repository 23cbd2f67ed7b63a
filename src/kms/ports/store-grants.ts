/** The grants repository of the store port (reference §5.11). Each method is one transaction. */
import type { GrantRecord } from '../model/grant.js';
import type { Page, PageRequest } from './store.js';

export type CreateGrantOutcome =
  | { outcome: 'created'; grant: GrantRecord }
  /** A grant with the same key, Name and fingerprint exists: CreateGrant returns its id. */
  | { outcome: 'existing'; grant: GrantRecord }
  | { outcome: 'limit' };

export interface GrantFilter {
  grantId?: string;
  granteePrincipal?: string;
}

export interface GrantRepository {
  /**
   * Inserts the grant unless the key already has `maxPerKey` grants, or (when the grant has a
   * name) a grant with the same name and fingerprint exists — checked and written atomically, so
   * concurrent identical named CreateGrant calls yield one grant.
   */
  create(grant: GrantRecord, maxPerKey: number): Promise<CreateGrantOutcome>;
  get(grantId: string): Promise<GrantRecord | undefined>;
  /** Grants of one key ordered by grant id, optionally filtered. */
  list(keyId: string, filter: GrantFilter, page: PageRequest): Promise<Page<GrantRecord>>;
  /** Grants of one key whose grantee is one of `grantees` (the authorization lookup). */
  listForGrantees(keyId: string, grantees: readonly string[]): Promise<GrantRecord[]>;
  /** Grants on any key whose retiring principal is `retiringPrincipal`, ordered by grant id. */
  listRetirable(retiringPrincipal: string, page: PageRequest): Promise<Page<GrantRecord>>;
  /** Number of grants on a key. */
  count(keyId: string): Promise<number>;
  delete(grantId: string): Promise<boolean>;
}
