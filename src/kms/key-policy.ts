/**
 * Key policy documents. The default policy is AWS's, byte for byte (reference §5.9): the owning
 * account gets kms:*, delegating to its identity policies. Grammar and evaluation live in
 * `policy/`; principal existence and the lockout check in authz/key-policy-checks.ts.
 */
import { LimitExceededException, MalformedPolicyDocumentException } from './errors.js';
import { rootArn } from './model/arn.js';
import { parsePolicy, PolicySyntaxError, type Policy } from '../policy/index.js';

/** AWS's key policy quota: 32 KB. */
export const MAX_POLICY_BYTES = 32_768;

export function defaultKeyPolicy(partition: string, accountId: string): string {
  return `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "${rootArn(partition, accountId)}"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;
}

/**
 * The size quota (LimitExceededException) and the IAM key-policy grammar
 * (MalformedPolicyDocumentException with policy/'s message); returns the parsed policy.
 */
export function checkPolicyDocument(policy: string, partition = 'aws'): Policy {
  if (Buffer.byteLength(policy, 'utf8') > MAX_POLICY_BYTES) {
    throw new LimitExceededException(`Policy document exceeds the maximum size of ${MAX_POLICY_BYTES} bytes.`);
  }
  try {
    return parsePolicy(policy, 'key', { partition });
  } catch (e) {
    if (e instanceof PolicySyntaxError) throw new MalformedPolicyDocumentException(e.message);
    throw e;
  }
}
