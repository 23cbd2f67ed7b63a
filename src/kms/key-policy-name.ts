/**
 * Key policy names (AWS KMS API Reference: GetKeyPolicy, PutKeyPolicy): a key has exactly one
 * policy, named `default`; PolicyName may be omitted. Another name is a policy that does not
 * exist.
 */
import { NotFoundException } from './errors.js';

export function assertDefaultPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== 'default') throw new NotFoundException('No such policy exists');
}
