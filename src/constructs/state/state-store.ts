import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

export interface StateStoreProps {
  readonly bucketName: string;
  readonly lockTableName: string;
  /** Noncurrent state versions are kept this long; the newest ones are kept regardless. */
  readonly noncurrentVersionDays?: number;
}

/**
 * The S3 bucket and DynamoDB table that hold every stack's Terraform state and locks.
 * Losing either loses track of the whole platform, so both refuse `destroy`, the bucket keeps
 * every version of every state file, and the table has point-in-time recovery.
 */
export class StateStore extends Construct {
  readonly bucket: S3Bucket;
  readonly lockTable: DynamodbTable;
  readonly kmsKey: KmsKey;

  constructor(scope: Construct, id: string, props: StateStoreProps) {
    super(scope, id);
    const keep = { preventDestroy: true };

    this.kmsKey = new KmsKey(this, "key", {
      description: `Encrypts Terraform state in ${props.bucketName} and locks in ${props.lockTableName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: keep,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${props.bucketName}`, targetKeyId: this.kmsKey.keyId });

    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucketName, forceDestroy: false, lifecycle: keep });
    const bucketId = this.bucket.id;
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: bucketId,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: bucketId,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucketId,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.kmsKey.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucketId,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [
            { noncurrentDays: props.noncurrentVersionDays ?? 90, newerNoncurrentVersions: 10 },
          ],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    const caller = new DataAwsCallerIdentity(this, "caller");
    const policy = new DataAwsIamPolicyDocument(this, "bucket-policy-document", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        {
          sid: "DenyOtherAccounts",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: "StringNotEquals", variable: "aws:PrincipalAccount", values: [caller.accountId] }],
        },
      ],
    });
    new S3BucketPolicy(this, "bucket-policy", { bucket: bucketId, policy: policy.json });

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
