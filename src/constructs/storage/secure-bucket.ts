import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";

export interface SecureBucketProps {
  readonly bucketName: string;
  /** A customer-managed key, or S3-managed keys where a service demands them (access-log delivery). */
  readonly encryption: { readonly kmsKeyArn: string } | "s3-managed";
  /** Where S3 server access logs of this bucket go. */
  readonly accessLogs?: { readonly bucket: SecureBucket; readonly prefix: string };
  /** Noncurrent versions expire after this many days, the newest `keepNoncurrentVersions` excepted. Default 90. */
  readonly noncurrentVersionDays?: number;
  readonly keepNoncurrentVersions?: number;
  /** Current objects expire after this many days (logs); default: never. */
  readonly expireObjectsAfterDays?: number;
  /** Refuse `destroy` and keep objects on deletion: the bucket holds data nobody can recreate. */
  readonly preventDestroy: boolean;
  /** Statements added to the bucket policy beside the TLS-only rule. */
  readonly policyStatements?: DataAwsIamPolicyDocumentStatement[];
}

/**
 * An S3 bucket with the defaults users expect and scanners check: no ACLs or public access,
 * versioning, encryption at rest, TLS-only access, and lifecycle rules for old versions and
 * abandoned uploads.
 */
export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", {
      bucket: props.bucketName,
      forceDestroy: !props.preventDestroy,
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;
    const bucket = this.bucket.id;

    new S3BucketOwnershipControls(this, "ownership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketVersioningA(this, "versioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket,
      rule: [
        props.encryption === "s3-managed"
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.encryption.kmsKeyArn }, bucketKeyEnabled: true },
      ],
    });

    const rules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: "expire-noncurrent-versions-and-abandoned-uploads",
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrentVersionExpiration: [
          { noncurrentDays: props.noncurrentVersionDays ?? 90, newerNoncurrentVersions: props.keepNoncurrentVersions },
        ],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        expiration: props.expireObjectsAfterDays ? [{ days: props.expireObjectsAfterDays }] : undefined,
      },
    ];
    new S3BucketLifecycleConfiguration(this, "lifecycle", { bucket, rule: rules });

    if (props.accessLogs) {
      new S3BucketLoggingA(this, "access-logs", {
        bucket,
        targetBucket: props.accessLogs.bucket.bucket.id,
        targetPrefix: props.accessLogs.prefix,
      });
    }

    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["s3:*"],
          resources: [this.arn, `${this.arn}/*`],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
        ...(props.policyStatements ?? []),
      ],
    });
    new S3BucketPolicy(this, "policy", { bucket, policy: policy.json });
  }
}
