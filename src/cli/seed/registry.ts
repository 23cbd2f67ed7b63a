/**
 * The seed file's sections, in the order they are applied (each may use what the ones before it
 * created: principals need accounts, policies need principals, aliases need keys). A new
 * section — e.g. `xksKeys:` — plugs in with one line here.
 */
import type { SeedSection } from './types.js';
import { accessKeysSection, accountsSection, defaultsSection, policiesSection, principalsSection } from './identity-sections.js';
import { aliasesSection, keysSection } from './key-sections.js';
import { xksKeysSection } from './xks-section.js';

export const SEED_SECTIONS: readonly SeedSection[] = Object.freeze([
  defaultsSection,
  accountsSection,
  principalsSection,
  policiesSection,
  accessKeysSection,
  keysSection,
  aliasesSection,
  xksKeysSection,
]);
