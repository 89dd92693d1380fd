import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Construct } from "constructs";
import { stateKeyAlias } from "../../config/state-location";
import type { AccountContext } from "../account/account-context";
import { keyPolicy } from "../encryption/key-policy";
import { AccessLogBucket } from "../storage/access-log-bucket";
import { SecureBucket } from "../storage/secure-bucket";

/** An environment in another account whose deploy roles keep its state here. */
export interface CrossAccountState {
  readonly environment: string;
  readonly accountId: string;
  /** Its states are `<keyPrefix>/<layer>.tfstate`, locked by `<key>.tflock` objects beside them. */
  readonly keyPrefix: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
}

export interface StateStoreProps {
  readonly bucketName: string;
  readonly lockTableName: string;
  readonly account: AccountContext;
  /** Environments of other accounts: their deploy roles are admitted to their own key prefix, nothing else. Default: none. */
  readonly crossAccountStates?: readonly CrossAccountState[];
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
    const crossAccount = props.crossAccountStates ?? [];
    const deployRoles = crossAccount.flatMap((state) => [state.planRoleArn, state.applyRoleArn]);
    const accountRoot = (accountId: string) => `arn:${account.partition}:iam::${accountId}:root`;
    // Another account's write that sends `header` with anything but `allowed` (a write without it gets the bucket default).
    const otherAccountsMayNotAsk = (sid: string, header: string, allowed: string): DataAwsIamPolicyDocumentStatement => ({
      sid,
      effect: "Deny",
      principals: [{ type: "*", identifiers: ["*"] }],
      actions: ["s3:PutObject"],
      resources: [`arn:${account.partition}:s3:::${props.bucketName}/*`],
      condition: [
        { test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [account.accountId] },
        { test: "Null", variable: header, values: ["false"] },
        { test: "StringNotEquals", variable: header, values: [allowed] },
      ],
    });

    this.kmsKey = new KmsKey(this, "key", {
      description: `Encrypts Terraform state in ${props.bucketName} and locks in ${props.lockTableName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy(
        account,
        crossAccount.length === 0
          ? []
          : [
              {
                // Through S3 only (reading and writing state and lock files), and only these roles of those accounts.
                Sid: "OtherAccountsDeployRolesUseTheKeyThroughS3",
                Principal: { AWS: [...new Set(crossAccount.map((state) => accountRoot(state.accountId)))] },
                Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                Condition: {
                  ArnEquals: { "aws:PrincipalArn": deployRoles },
                  StringEquals: { "kms:ViaService": `s3.${account.region}.amazonaws.com` },
                },
              },
            ],
      ),
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
          condition: [
            { test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [account.accountId] },
            // Other accounts' deploy roles, each limited by the statements below to its own environment.
            ...(deployRoles.length > 0 ? [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: deployRoles }] : []),
          ],
        },
        ...crossAccount.flatMap((state) => crossAccountStatements(account.partition, props.bucketName, state, accountRoot(state.accountId))),
        // Other accounts' backends send no encryption header, so the default (SSE-KMS with the state
        // key) applies; a write that asks for anything else is refused.
        ...(crossAccount.length > 0
          ? [
              otherAccountsMayNotAsk("OtherAccountsWriteOnlyUnderTheStateKey", "s3:x-amz-server-side-encryption", "aws:kms"),
              otherAccountsMayNotAsk("OtherAccountsWriteOnlyWithTheStateKey", "s3:x-amz-server-side-encryption-aws-kms-key-id", this.kmsKey.arn),
            ]
          : []),
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

/**
 * What the deploy roles of an environment in another account may do in the state bucket: list and
 * read its own prefix, hold its own lock files, and (the apply role only) write its own states.
 * Principals are the account root narrowed by `aws:PrincipalArn`, because a bucket policy naming a
 * role that does not exist yet is refused, and the roles come after the bucket.
 */
function crossAccountStatements(partition: string, bucket: string, state: CrossAccountState, accountRoot: string): DataAwsIamPolicyDocumentStatement[] {
  const prefix = `arn:${partition}:s3:::${bucket}/${state.keyPrefix}`;
  const id = state.environment.replace(/[^A-Za-z0-9]/g, "");
  const of = (roles: string[]) => ({ principals: [{ type: "AWS", identifiers: [accountRoot] }], condition: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: roles }] });
  const both = of([state.planRoleArn, state.applyRoleArn]);
  return [
    {
      sid: `${id}DeployRolesListTheirPrefix`,
      actions: ["s3:ListBucket"],
      resources: [`arn:${partition}:s3:::${bucket}`],
      principals: both.principals,
      condition: [...both.condition, { test: "StringLike", variable: "s3:prefix", values: [`${state.keyPrefix}/*`] }],
    },
    { sid: `${id}DeployRolesReadTheirStates`, actions: ["s3:GetObject"], resources: [`${prefix}/*`], ...both },
    { sid: `${id}DeployRolesHoldTheirLocks`, actions: ["s3:PutObject", "s3:DeleteObject"], resources: [`${prefix}/*.tflock`], ...both },
    { sid: `${id}ApplyRoleWritesTheirStates`, actions: ["s3:PutObject"], resources: [`${prefix}/*`], ...of([state.applyRoleArn]) },
  ];
}
