import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { Construct } from "constructs";
import { EDGE_REGION } from "../../config/aws-regions";
import type { AccountContext } from "../account/account-context";
import { keyPolicy } from "./key-policy";

export interface PlatformKeyProps {
  readonly alias: string;
  readonly description: string;
  readonly account: AccountContext;
  /** Refuse `terraform destroy`: everything encrypted with the key is unreadable once it is gone. */
  readonly preventDestroy: boolean;
}

/**
 * The environment's customer-managed key. IAM in the account governs most use of it; the key
 * policy only adds the AWS services that encrypt on their own behalf: CloudWatch Logs for log
 * groups, CloudWatch alarms, EventBridge and AWS Backup for publishing to this account's encrypted topics, and
 * CloudFront for reading the encrypted site bucket and writing its access logs.
 */
export class PlatformKey extends Construct {
  readonly key: KmsKey;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: PlatformKeyProps) {
    super(scope, id);
    const { account } = props;
    const policy = keyPolicy(account, [
      {
        Sid: "CloudWatchLogsEncryptsLogGroups",
        Principal: { Service: account.servicePrincipal(`logs.${account.region}`) },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": account.arn("logs", "log-group:*") } },
      },
      {
        // Only for this account's topics: SNS names the topic in the encryption context of every
        // data key it asks for (EventBridge sends no aws:SourceAccount to KMS). Scheduler is not
        // here: it encrypts schedules as the schedule's own role.
        Sid: "AlarmsEventsAndBackupPublishToThisAccountsTopics",
        Principal: { Service: ["cloudwatch", "events", "backup"].map((service) => account.servicePrincipal(service)) },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Condition: { ArnLike: { "kms:EncryptionContext:aws:sns:topicArn": account.arn("sns", "*") } },
      },
      {
        // Origin Access Control reads the KMS-encrypted site bucket as CloudFront itself.
        Sid: "CloudFrontReadsSiteObjects",
        Principal: { Service: account.servicePrincipal("cloudfront") },
        Action: ["kms:Decrypt"],
        Condition: { StringLike: { "AWS:SourceArn": `arn:${account.partition}:cloudfront::${account.accountId}:distribution/*` } },
      },
      {
        // CloudFront standard logging (v2) writes access logs into a KMS-encrypted bucket as the log delivery service.
        Sid: "LogDeliveryEncryptsCdnAccessLogs",
        Principal: { Service: account.servicePrincipal("delivery.logs") },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        Condition: {
          StringEquals: { "aws:SourceAccount": account.accountId },
          ArnLike: { "aws:SourceArn": `arn:${account.partition}:logs:${EDGE_REGION}:${account.accountId}:*` },
        },
      },
    ]);
    this.key = new KmsKey(this, "key", {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy,
      lifecycle: { preventDestroy: props.preventDestroy },
    });
    new KmsAlias(this, "alias", { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
