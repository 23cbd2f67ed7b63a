/**
 * The one behaviour suite of the Store port. Each backend's test file calls it with a harness;
 * every test opens its own fresh database, so tests never see each other's rows.
 */
import type { StoreHarness } from '../harness.js';
import { aliasBehaviour } from './aliases.js';
import { deletionBehaviour } from './deletion.js';
import { identityBehaviour } from './identities.js';
import { keyBehaviour } from './keys.js';
import { lifecycleBehaviour } from './lifecycle.js';
import { materialBehaviour } from './materials.js';
import { tagBehaviour } from './tags.js';

export function storeBehaviour(h: StoreHarness): void {
  keyBehaviour(h);
  deletionBehaviour(h);
  materialBehaviour(h);
  aliasBehaviour(h);
  tagBehaviour(h);
  identityBehaviour(h);
  lifecycleBehaviour(h);
}
