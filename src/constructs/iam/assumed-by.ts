import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import type { Construct } from "constructs";
import type { AccountContext } from "../account/account-context";

/**
 * The trust policy of a service role: only `service` acting for this account may assume it
 * (`aws:SourceAccount` keeps another account's use of the same service from borrowing the role).
 */
export function assumedBy(scope: Construct, id: string, account: AccountContext, service: string, sid?: string): string {
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        sid,
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [account.servicePrincipal(service)] }],
        condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] }],
      },
    ],
  }).json;
}
