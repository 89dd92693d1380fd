import type { AccountContext } from "../account/account-context";

export interface KeyPolicyStatement {
  readonly Sid: string;
  readonly Principal: { Service: string | string[] } | { AWS: string | string[] };
  readonly Action: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * A KMS key policy: the account administers the key through IAM, plus the given service grants.
 * Rendered as JSON on the key rather than as an `aws_iam_policy_document`, because a key policy's
 * `Resource: "*"` means "this key", which IAM-policy scanners would misread as "every resource".
 */
export function keyPolicy(account: AccountContext, grants: readonly KeyPolicyStatement[] = []): string {
  const statements = [
    {
      Sid: "AccountAdministersKeyThroughIam",
      Principal: { AWS: account.arn("iam", "root", { regional: false }) },
      Action: "kms:*",
    },
    ...grants,
  ];
  return JSON.stringify({ Version: "2012-10-17", Statement: statements.map((statement) => ({ Effect: "Allow", ...statement, Resource: "*" })) });
}
