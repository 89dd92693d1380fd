import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Testing } from "cdktf";
import { AccountContext } from "../../src/constructs/account/account-context";
import { StateStore } from "../../src/constructs/state/state-store";

describe("StateStore", () => {
  const synthesized = Testing.synthScope((scope) => new StateStore(scope, "state", { bucketName: "platform-tfstate", lockTableName: "platform-tflock", account: new AccountContext(scope, "account") }));

  it("keeps every state version in a private bucket that refuses destroy", () => {
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { bucket: "platform-tfstate", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
  });

  it("encrypts state with a rotating key of its own", () => {
    expect(synthesized).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringContaining("aws_kms_key") }, bucket_key_enabled: true }],
    });
  });

  it("expires old state versions but always keeps the newest ten", () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ noncurrent_version_expiration: [{ noncurrent_days: 90, newer_noncurrent_versions: 10 }] })],
    });
  });

  it("refuses plain-HTTP access and other accounts", () => {
    expect(synthesized).toHaveResource(S3BucketPolicy);
    expect(synthesized).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        expect.objectContaining({ sid: "DenyInsecureTransport", effect: "Deny", condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }] }),
        expect.objectContaining({ sid: "DenyOtherAccounts", effect: "Deny" }),
      ],
    });
  });

  it("locks with an on-demand LockID table with point-in-time recovery and deletion protection", () => {
    expect(synthesized).toHaveResourceWithProperties(DynamodbTable, {
      name: "platform-tflock",
      hash_key: "LockID",
      billing_mode: "PAY_PER_REQUEST",
      attribute: [{ name: "LockID", type: "S" }],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: expect.stringContaining("aws_kms_key") },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });
});

describe("StateStore access logs", () => {
  const synthesized = Testing.synthScope((scope) => new StateStore(scope, "state", { bucketName: "platform-tfstate", lockTableName: "platform-tflock", account: new AccountContext(scope, "account") }));

  it("logs every access to the state bucket into a protected log bucket that S3 can deliver to", () => {
    expect(synthesized).toHaveResourceWithProperties(S3BucketLoggingA, { target_prefix: "platform-tfstate/", target_bucket: expect.stringContaining("access-logs_bucket") });
    expect(synthesized).toHaveResourceWithProperties(S3Bucket, { bucket: "platform-tfstate-logs", lifecycle: { prevent_destroy: true } });
    expect(synthesized).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
  });
});
