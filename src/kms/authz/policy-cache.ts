/**
 * What authorization may safely remember across requests: parsed policies, keyed by their exact
 * text (a changed policy is a different text, so a policy change is never served stale), and per
 * parsed policy which lazily loaded condition keys it refers to. Decisions are never cached.
 * Per-request memos (the caller's identity policies, read once even when ReEncrypt authorizes
 * twice) are keyed by the request's Caller object and vanish with it.
 */
import { parsePolicy, PolicySyntaxError, type Policy, type PolicyKind } from '../../policy/index.js';

/** What a policy reads from the request context, so that nothing else is built or loaded. */
export interface PolicyNeeds {
  /** Any Condition, or a Resource with policy variables: without one, condition keys are unused. */
  conditionKeys: boolean;
  /** aws:ResourceTag/* and kms:ResourceAliases cost a store read each. */
  resourceTags: boolean;
  resourceAliases: boolean;
}

const DEFAULT_MAX = 2_000;

export class PolicyCache {
  private readonly parsed = new Map<string, Map<string, Policy | PolicySyntaxError>>();
  private size = 0;
  private readonly needsOf = new WeakMap<Policy, PolicyNeeds>();
  private readonly memos = new WeakMap<object, Map<string, Promise<unknown>>>();

  constructor(private readonly max = DEFAULT_MAX) {}

  /** @throws PolicySyntaxError (remembered too: a bad stored text is not re-parsed per request). */
  parse(text: string, kind: PolicyKind, partition: string): Policy {
    const bucketKey = `${kind}|${partition}`;
    let bucket = this.parsed.get(bucketKey);
    if (!bucket) this.parsed.set(bucketKey, (bucket = new Map()));
    let entry = bucket.get(text);
    if (entry === undefined) {
      try {
        entry = parsePolicy(text, kind, { partition });
      } catch (e) {
        if (!(e instanceof PolicySyntaxError)) throw e;
        entry = e;
      }
      if (this.size >= this.max) this.evictOne();
      bucket.set(text, entry);
      this.size++;
    } else {
      // Most recently used last (Map keeps insertion order).
      bucket.delete(text);
      bucket.set(text, entry);
    }
    if (entry instanceof PolicySyntaxError) throw entry;
    return entry;
  }

  private evictOne(): void {
    for (const bucket of this.parsed.values()) {
      const oldest = bucket.keys().next();
      if (!oldest.done) {
        bucket.delete(oldest.value);
        this.size--;
        return;
      }
    }
  }

  needs(policy: Policy): PolicyNeeds {
    let n = this.needsOf.get(policy);
    if (!n) this.needsOf.set(policy, (n = scanNeeds(policy)));
    return n;
  }

  /** Runs `load` once per (owner, name); owner is a per-request object such as ctx.caller. */
  memo<T>(owner: object, name: string, load: () => Promise<T>): Promise<T> {
    let m = this.memos.get(owner);
    if (!m) this.memos.set(owner, (m = new Map()));
    let p = m.get(name) as Promise<T> | undefined;
    if (!p) m.set(name, (p = load()));
    return p;
  }
}

function scanNeeds(policy: Policy): PolicyNeeds {
  // Condition keys and policy variables (`${aws:ResourceTag/x}` in Resource or in values).
  const texts: string[] = [];
  let conditionKeys = false;
  for (const s of policy.statements) {
    if (s.conditions.length > 0 || [...(s.resource ?? []), ...(s.notResource ?? [])].some((r) => r.compiled === undefined)) conditionKeys = true;
    for (const c of s.conditions) texts.push(c.keyLower, ...c.values);
    for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) texts.push(r.raw);
  }
  const all = texts.join('\n').toLowerCase();
  return { conditionKeys, resourceTags: all.includes('aws:resourcetag/'), resourceAliases: all.includes('kms:resourcealiases') };
}
