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
import { asymmetricBehaviour } from './asymmetric.js';
import { tagBehaviour } from './tags.js';
import { grantBehaviour } from './grants.js';
import { iamBehaviour } from './iam.js';
import { rotationBehaviour } from './rotations.js';
import { importBehaviour } from './imports.js';
import { jobBehaviour } from './jobs.js';
import { xksKeyBehaviour } from './xks-keys.js';
import { auditBehaviour } from './audit.js';
import { auditTamperBehaviour } from './audit-tamper.js';

export function storeBehaviour(h: StoreHarness): void {
  keyBehaviour(h);
  deletionBehaviour(h);
  materialBehaviour(h);
  asymmetricBehaviour(h);
  aliasBehaviour(h);
  tagBehaviour(h);
  identityBehaviour(h);
  grantBehaviour(h);
  iamBehaviour(h);
  rotationBehaviour(h);
  importBehaviour(h);
  jobBehaviour(h);
  xksKeyBehaviour(h);
  auditBehaviour(h);
  auditTamperBehaviour(h);
  lifecycleBehaviour(h);
}
