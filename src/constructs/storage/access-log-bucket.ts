import { Construct } from "constructs";
import type { AccountContext } from "../account/account-context";
import { SecureBucket } from "./secure-bucket";

export interface AccessLogBucketProps {
  readonly bucketName: string;
  readonly account: AccountContext;
  /** Buckets (name or `prefix*`) whose S3 server access logs S3 may deliver here. */
  readonly sourceBuckets: string[];
  /** Logs expire after this many days. Default 365. */
  readonly retentionDays?: number;
  readonly preventDestroy: boolean;
}

/**
 * The target of S3 server access logging. S3 delivers those logs as the `logging.s3` service and
 * only into buckets encrypted with S3-managed keys, so this bucket cannot use the KMS key the
 * other buckets use; its policy admits the service for the named source buckets of this account only.
 */
export class AccessLogBucket extends SecureBucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    const { account } = props;
    const bucketArn = (name: string) => `arn:${account.partition}:s3:::${name}`;
    super(scope, id, {
      bucketName: props.bucketName,
      encryption: "s3-managed",
      expireObjectsAfterDays: props.retentionDays ?? 365,
      preventDestroy: props.preventDestroy,
      policyStatements: [
        {
          sid: "S3DeliversServerAccessLogs",
          principals: [{ type: "Service", identifiers: [account.servicePrincipal("logging.s3")] }],
          actions: ["s3:PutObject"],
          resources: [`${bucketArn(props.bucketName)}/*`],
          condition: [
            { test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] },
            { test: "ArnLike", variable: "aws:SourceArn", values: props.sourceBuckets.map(bucketArn) },
          ],
        },
      ],
    });
  }
}
