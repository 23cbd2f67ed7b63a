/**
 * Key policy documents. The default policy is AWS's, byte for byte (reference §5.9): the owning
 * account gets kms:*, delegating to its identity policies. Evaluation lives in `policy/`.
 */
import { LimitExceededException, MalformedPolicyDocumentException } from './errors.js';
import { rootArn } from './model/arn.js';

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

/** Syntax checks every stored policy must pass; semantic checks come with the policy engine. */
export function checkPolicyDocument(policy: string): void {
  if (Buffer.byteLength(policy, 'utf8') > MAX_POLICY_BYTES) {
    throw new LimitExceededException(`Policy document exceeds the maximum size of ${MAX_POLICY_BYTES} bytes.`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    throw new MalformedPolicyDocumentException('The policy document is not valid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new MalformedPolicyDocumentException('The policy document must be a JSON object.');
  }
  const statement = (doc as Record<string, unknown>).Statement;
  if (statement === undefined || (typeof statement !== 'object') || statement === null) {
    throw new MalformedPolicyDocumentException("The policy document must contain a 'Statement' element.");
  }
}
