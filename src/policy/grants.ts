/**
 * Grants (reference §5.11): a grant allows its grantee the listed operations on its key, subject
 * to optional encryption-context constraints. Constraints apply only to operations that take an
 * encryption context; there constraint keys compare case-insensitively and values exactly
 * (reference §5.1, §5.11). Grants never deny.
 */
export interface GrantConstraintsLike {
  /** The request's encryption context must be exactly this map. */
  readonly EncryptionContextEquals?: Readonly<Record<string, string>>;
  /** The request's encryption context must contain every pair of this map (extra pairs allowed). */
  readonly EncryptionContextSubset?: Readonly<Record<string, string>>;
}

export interface GrantLike {
  readonly granteePrincipal: string;
  /** GrantOperation names (`Decrypt`, `GenerateDataKey`, …). */
  readonly operations: readonly string[];
  readonly constraints?: GrantConstraintsLike;
}

export interface GrantRequest {
  /** The operation, with or without the `kms:` prefix (`ReEncryptFrom` / `ReEncryptTo` for ReEncrypt). */
  readonly operation: string;
  readonly granteeArn: string;
  /** Also the grantee: e.g. the role ARN for an assumed-role session. */
  readonly alternateArns?: readonly string[];
  readonly encryptionContext?: ReadonlyMap<string, string>;
}

/** Operations that take an encryption context, to which constraints apply (reference §5.11). */
export const EC_OPERATIONS: ReadonlySet<string> = new Set([
  'Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext',
]);

/** Lower-cased key → values (two request keys may differ only in case). */
function foldKeys(pairs: Iterable<readonly [string, string]>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    const list = m.get(key);
    if (list) list.push(v);
    else m.set(key, [v]);
  }
  return m;
}

function pairs(r: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(r);
}

function containsAll(request: Map<string, string[]>, constraint: Readonly<Record<string, string>>): boolean {
  return pairs(constraint).every(([k, v]) => request.get(k.toLowerCase())?.includes(v) === true);
}

export function constraintsSatisfied(c: GrantConstraintsLike | undefined, ec: ReadonlyMap<string, string> | undefined): boolean {
  if (!c) return true;
  const request = foldKeys(ec ?? new Map<string, string>());
  if (c.EncryptionContextEquals) {
    const want = foldKeys(pairs(c.EncryptionContextEquals));
    const requestPairs = ec?.size ?? 0;
    if (requestPairs !== want.size || request.size !== want.size) return false;
    if (!containsAll(request, c.EncryptionContextEquals)) return false;
  }
  if (c.EncryptionContextSubset && !containsAll(request, c.EncryptionContextSubset)) return false;
  return true;
}

export function grantAllows(grants: readonly GrantLike[], req: GrantRequest): boolean {
  const operation = req.operation.replace(/^kms:/i, '');
  const grantees = [req.granteeArn, ...(req.alternateArns ?? [])];
  const constrained = EC_OPERATIONS.has(operation);
  return grants.some(
    (g) =>
      grantees.includes(g.granteePrincipal) &&
      g.operations.includes(operation) &&
      (!constrained || constraintsSatisfied(g.constraints, req.encryptionContext)),
  );
}

/**
 * For CreateGrant under a constrained grant (reference §5.11): the child grant's constraints
 * must be equal to or stricter than the parent's — every encryption context the child accepts
 * must also be accepted by the parent.
 */
export function constraintsAtLeastAsStrict(parent: GrantConstraintsLike | undefined, child: GrantConstraintsLike | undefined): boolean {
  if (!parent || (!parent.EncryptionContextEquals && !parent.EncryptionContextSubset)) return true;
  if (!child) return false;
  const childEquals = child.EncryptionContextEquals;
  if (childEquals) {
    // The child accepts exactly one context; the parent must accept it.
    return constraintsSatisfied(parent, new Map(pairs(childEquals)));
  }
  if (parent.EncryptionContextEquals || !child.EncryptionContextSubset) return false;
  // Both subset: every context containing the child's pairs must contain the parent's pairs.
  return containsAll(foldKeys(pairs(child.EncryptionContextSubset)), parent.EncryptionContextSubset!);
}
