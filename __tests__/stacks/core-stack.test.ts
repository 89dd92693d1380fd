import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Testing } from "cdktf";
import type { PlatformEnvironment } from "../../src/config/load";
import { CoreStack } from "../../src/stacks/core-stack";
import { shippedEnvironment } from "../support/project";

function synthCore(change: (environment: PlatformEnvironment) => PlatformEnvironment = (e) => e, addToStack?: (stack: CoreStack) => void): { stack: CoreStack; json: string } {
  const stack = new CoreStack(Testing.app(), { project: "platform", environment: change(shippedEnvironment("dev")) });
  addToStack?.(stack);
  return { stack, json: Testing.synth(stack) };
}

describe("CoreStack", () => {
  it("is named core-<environment> and tags everything with project, environment, layer and managed-by", () => {
    const { stack, json } = synthCore();
    expect(stack.node.id).toBe("core-dev");
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: "eu-west-1",
      default_tags: [{ tags: { project: "platform", environment: "dev", layer: "core", "managed-by": "cdktf" } }],
    });
  });

  it("refuses foreign accounts when the environment names its account", () => {
    const { json } = synthCore((e) => ({ ...e, accountId: "123456789012" }));
    expect(json).toHaveProviderWithProperties(AwsProvider, { allowed_account_ids: ["123456789012"] });
  });

  it("creates a rotating customer-managed key with an alias, destroyable only where data is not protected", () => {
    const unprotected = synthCore((e) => ({ ...e, protectData: false })).json;
    expect(unprotected).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: false } });
    expect(unprotected).toHaveResourceWithProperties(KmsAlias, { name: "alias/platform-dev" });
    expect(synthCore((e) => ({ ...e, protectData: true })).json).toHaveResourceWithProperties(KmsKey, { lifecycle: { prevent_destroy: true } });
  });

  it("encrypts the alert topic with that key and subscribes every alert address", () => {
    const { json } = synthCore((e) => ({ ...e, alertEmails: ["a@example.com", "b@example.com"] }));
    expect(json).toHaveResourceWithProperties(SnsTopic, { name: "platform-dev-alerts", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\..*\.arn\}$/) });
    expect(json).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "a@example.com" });
    expect(json).toHaveResourceWithProperties(SnsTopicSubscription, { protocol: "email", endpoint: "b@example.com" });
    expect(json).toHaveResource(SnsTopicPolicy);
  });

  it("keeps a key for the alert topic alone when the environment opts out of the platform key", () => {
    const { stack, json } = synthCore((e) => ({ ...e, features: { ...e.features, kmsKey: false } }));
    expect(stack.kmsKeyArn).toBeUndefined();
    expect(json).toHaveResourceWithProperties(KmsAlias, { name: "alias/platform-dev-alerts" });
    expect(Object.keys(JSON.parse(json).resource.aws_kms_key)).toHaveLength(1);
    expect(json).toHaveResourceWithProperties(SnsTopic, { kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.alerts-kms_.*\.arn\}$/) });
  });

  it("publishes a permissions boundary and a base policy for the workload roles of later layers", () => {
    const { json } = synthCore();
    expect(json).toHaveResourceWithProperties(IamPolicy, { name: "platform-dev-workload-boundary" });
    expect(json).toHaveResourceWithProperties(IamPolicy, { name: "platform-dev-workload-base" });
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: expect.arrayContaining([
        expect.objectContaining({ sid: "NeverIdentityOrOrganization", effect: "Deny", actions: ["iam:*", "organizations:*", "account:*", "sts:AssumeRole"] }),
        expect.objectContaining({ sid: "OwnEnvironmentBucketsOnly", resources: [expect.stringMatching(/:s3:::platform-dev-\*$/), expect.stringMatching(/:s3:::platform-dev-\*\/\*$/)] }),
      ]),
    });
  });

  it("gives log groups without a retention the environment's default, and leaves chosen ones alone", () => {
    const { json } = synthCore(undefined, (stack) => {
      new CloudwatchLogGroup(stack, "defaulted", { name: "/platform/dev/defaulted" });
      new CloudwatchLogGroup(stack, "chosen", { name: "/platform/dev/chosen", retentionInDays: 365 });
    });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/platform/dev/defaulted", retention_in_days: 14 });
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/platform/dev/chosen", retention_in_days: 365 });
  });
});
