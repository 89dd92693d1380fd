import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AccountContext } from "../constructs/account/account-context";
import { AlertTopic } from "../constructs/alerting/alert-topic";
import { PlatformKey } from "../constructs/encryption/platform-key";
import { WorkloadIamBaseline } from "../constructs/iam/workload-iam-baseline";
import { ACCESS_LOG_BUCKET_SUFFIX } from "../constructs/state/state-store";
import { LayerStack, type LayerStackProps } from "./layer-stack";

/**
 * `core-<env>`: what every later layer of the environment builds on. Later layers read these
 * public fields; cdktf turns each use into an output here and a remote-state lookup there.
 */
export class CoreStack extends LayerStack {
  readonly account: AccountContext;
  /** Absent when the environment turns `features.kmsKey` off and uses AWS-managed keys. */
  readonly kmsKeyArn?: string;
  readonly alertTopicArn: string;
  readonly workloadBoundaryArn: string;
  readonly serviceBoundaryArn: string;
  readonly workloadBasePolicyArn: string;
  readonly logRetentionDays: number;

  constructor(scope: Construct, props: LayerStackProps) {
    super(scope, "core", props);
    const { environment, naming } = this;
    this.logRetentionDays = environment.logRetentionDays;
    this.account = new AccountContext(this, "account");

    if (environment.features.kmsKey) {
      this.kmsKeyArn = new PlatformKey(this, "kms", {
        alias: naming.prefix,
        description: `Encrypts the data, logs and messages of ${naming.prefix}`,
        account: this.account,
        preventDestroy: environment.protectData,
      }).arn;
    }

    // CloudWatch alarms, EventBridge and AWS Backup cannot publish to a topic encrypted with the
    // AWS-managed SNS key, so an environment without the platform key still gets one for alerts.
    const alertKeyArn =
      this.kmsKeyArn ??
      new PlatformKey(this, "alerts-kms", {
        alias: naming.name("alerts"),
        description: `Encrypts the alert topic of ${naming.prefix}, which opted out of a key for everything else`,
        account: this.account,
        preventDestroy: environment.protectData,
      }).arn;
    this.alertTopicArn = new AlertTopic(this, "alerts", {
      name: naming.name("alerts"),
      emails: environment.alertEmails,
      account: this.account,
      kmsKeyArn: alertKeyArn,
    }).arn;

    const { backend } = environment;
    const iam = new WorkloadIamBaseline(this, "workload-iam", {
      naming,
      account: this.account,
      stateStore:
        backend.type === "s3"
          ? {
              buckets: [backend.bucket, `${backend.bucket}${ACCESS_LOG_BUCKET_SUFFIX}`],
              lockTableArns: backend.lockTable ? [`arn:${this.account.partition}:dynamodb:${backend.region}:${this.account.accountId}:table/${backend.lockTable}`] : [],
              stateKeys: [backend.kmsKeyId],
            }
          : undefined,
    });
    this.workloadBoundaryArn = iam.boundaryArn;
    this.serviceBoundaryArn = iam.serviceBoundaryArn;
    this.workloadBasePolicyArn = iam.basePolicyArn;

    new TerraformOutput(this, "alert_topic_arn", { value: this.alertTopicArn, description: "Subscribe here to receive the environment's alerts." });
    if (this.kmsKeyArn) new TerraformOutput(this, "kms_key_arn", { value: this.kmsKeyArn });
  }
}
