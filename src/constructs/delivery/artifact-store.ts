import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { keyPolicy } from "../encryption/key-policy";
import { AccessLogBucket } from "../storage/access-log-bucket";
import { SecureBucket } from "../storage/secure-bucket";

export interface ArtifactStoreProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /**
   * Keep the key and bucket on `destroy`. Default false: artifacts are rebuilt by the next run, and
   * saved plans are only worth anything until they are applied.
   */
  readonly preventDestroy?: boolean;
  /** Days after which artifacts (sources, stack directories, saved plans) expire. Default 30. */
  readonly expireAfterDays?: number;
}

/**
 * The pipeline's customer-managed key and artifact bucket. The key also encrypts the build logs and
 * the notification topic, so its policy lets CloudWatch Logs and CodeStar Notifications (through
 * SNS) use it; CodePipeline and CodeBuild use it through their roles.
 */
export class ArtifactStore extends Construct {
  readonly key: KmsKey;
  readonly kmsKeyArn: string;
  readonly bucket: SecureBucket;
  /** Receives the artifact bucket's S3 server access logs (SSE-S3: S3 delivers logs into nothing else). */
  readonly accessLogs: AccessLogBucket;
  readonly bucketName: string;
  readonly bucketArn: string;

  constructor(scope: Construct, id: string, props: ArtifactStoreProps) {
    super(scope, id);
    const { naming, account } = props;
    const preventDestroy = props.preventDestroy ?? false;
    this.key = new KmsKey(this, "key", {
      description: `Encrypts the artifacts, build logs and notifications of ${naming.prefix}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy },
      policy: keyPolicy(account, [
        {
          Sid: "CloudWatchLogsEncryptsBuildLogs",
          Principal: { Service: account.servicePrincipal(`logs.${account.region}`) },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": account.arn("logs", "log-group:*") } },
        },
        {
          // CodeStar Notifications publishes to the KMS-encrypted topic as itself.
          Sid: "NotificationsPublishToEncryptedTopic",
          Principal: { Service: account.servicePrincipal("codestar-notifications") },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Condition: { StringEquals: { "kms:ViaService": `sns.${account.region}.${account.dnsSuffix}` } },
        },
      ]),
    });
    new KmsAlias(this, "alias", { name: `alias/${naming.name("pipeline")}`, targetKeyId: this.key.keyId });
    this.kmsKeyArn = this.key.arn;

    // Bucket names are global: the account id keeps two accounts of the same project apart.
    const bucketName = `${naming.name("artifacts")}-${account.accountId}`;
    // Saved plans and plan.json carry the values Terraform plans with, secrets included: log every read.
    this.accessLogs = new AccessLogBucket(this, "access-logs", {
      bucketName: `${bucketName}-logs`,
      account,
      sourceBuckets: [bucketName],
      preventDestroy,
    });
    this.bucket = new SecureBucket(this, "artifacts", {
      bucketName,
      accessLogs: { bucket: this.accessLogs, prefix: `${bucketName}/` },
      encryption: { kmsKeyArn: this.kmsKeyArn },
      expireObjectsAfterDays: props.expireAfterDays ?? 30,
      noncurrentVersionDays: 7,
      preventDestroy,
    });
    this.bucketName = this.bucket.name;
    this.bucketArn = this.bucket.arn;
  }
}
