import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Construct } from "constructs";
import type { AccountContext } from "../account/account-context";

export interface AlertTopicProps {
  readonly name: string;
  readonly emails: readonly string[];
  readonly account: AccountContext;
  /**
   * A customer-managed key whose policy admits the publishing services: CloudWatch alarms,
   * EventBridge and AWS Backup cannot publish to a topic under the AWS-managed SNS key.
   */
  readonly kmsKeyArn: string;
}

/**
 * Where alarms, pipeline events and backup failures go. Only this account's CloudWatch alarms,
 * EventBridge rules and CodeStar notifications may publish, and only over TLS.
 */
export class AlertTopic extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AlertTopicProps) {
    super(scope, id);
    const { account } = props;
    this.topic = new SnsTopic(this, "topic", {
      name: props.name,
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.arn = this.topic.arn;
    const policy = new DataAwsIamPolicyDocument(this, "policy", {
      statement: [
        {
          sid: "AccountServicesPublishAlerts",
          principals: [
            {
              type: "Service",
              identifiers: ["cloudwatch", "events", "codestar-notifications", "backup"].map((service) =>
                account.servicePrincipal(service),
              ),
            },
          ],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [account.accountId] }],
        },
        {
          sid: "DenyPublishWithoutTls",
          effect: "Deny",
          principals: [{ type: "*", identifiers: ["*"] }],
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "policy-attachment", { arn: this.topic.arn, policy: policy.json });
    for (const email of props.emails) {
      new SnsTopicSubscription(this, `email-${email.replace(/[^A-Za-z0-9]/g, "-")}`, { topicArn: this.topic.arn, protocol: "email", endpoint: email });
    }
  }
}
