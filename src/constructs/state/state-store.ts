import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { stateKeyAlias } from "../../config/state-location";
import type { AccountContext } from "../account/account-context";
import { keyPolicy } from "../encryption/key-policy";
import { AccessLogBucket } from "../storage/access-log-bucket";
import { SecureBucket } from "../storage/secure-bucket";

export interface StateStoreProps {
  readonly bucketName: string;
  readonly lockTableName: string;
  readonly account: AccountContext;
}

/** Suffix of the bucket that receives the state bucket's access logs. */
export const ACCESS_LOG_BUCKET_SUFFIX = "-logs";

/**
 * The S3 bucket and DynamoDB table that hold every stack's Terraform state and locks.
 * Losing either loses track of the whole platform, so everything here refuses `destroy`, the
 * bucket keeps every version of every state file for 90 days (the newest ten always), the table
 * has point-in-time recovery, and every read of state (which holds secrets) is access-logged.
 */
export class StateStore extends Construct {
  readonly bucket: SecureBucket;
  readonly lockTable: DynamodbTable;
  readonly kmsKey: KmsKey;

  constructor(scope: Construct, id: string, props: StateStoreProps) {
    super(scope, id);
    const { account } = props;
    const keep = { preventDestroy: true };

    this.kmsKey = new KmsKey(this, "key", {
      description: `Encrypts Terraform state in ${props.bucketName} and locks in ${props.lockTableName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy(account),
      lifecycle: keep,
    });
    new KmsAlias(this, "key-alias", { name: stateKeyAlias(props.bucketName), targetKeyId: this.kmsKey.keyId });

    const accessLogs = new AccessLogBucket(this, "access-logs", {
      bucketName: `${props.bucketName}${ACCESS_LOG_BUCKET_SUFFIX}`,
      account,
      sourceBuckets: [props.bucketName],
      preventDestroy: true,
    });

    this.bucket = new SecureBucket(this, "bucket", {
      bucketName: props.bucketName,
      encryption: { kmsKeyArn: this.kmsKey.arn },
      accessLogs: { bucket: accessLogs, prefix: `${props.bucketName}/` },
      noncurrentVersionDays: 90,
      keepNoncurrentVersions: 10,
      preventDestroy: true,
      policyStatements: [
        {
          sid: "DenyOtherAccounts",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [`arn:${account.partition}:s3:::${props.bucketName}`, `arn:${account.partition}:s3:::${props.bucketName}/*`],
          condition: [{ test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [account.accountId] }],
        },
      ],
    });

    this.lockTable = new DynamodbTable(this, "lock-table", {
      name: props.lockTableName,
      billingMode: "PAY_PER_REQUEST",
      hashKey: "LockID",
      attribute: [{ name: "LockID", type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: this.kmsKey.arn },
      deletionProtectionEnabled: true,
      lifecycle: keep,
    });
  }
}
