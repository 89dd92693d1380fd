import { BackupPlan } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVault as BackupVaultResource } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import { BackupVaultNotifications } from "@cdktf/provider-aws/lib/backup-vault-notifications";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, Testing } from "cdktf";
import { AccountContext } from "../../src/constructs/account/account-context";
import { BackupVault } from "../../src/constructs/backup/backup-vault";
import { DAILY_SCHEDULE, HOURLY_SCHEDULE, PlatformBackup, type PlatformBackupProps } from "../../src/constructs/backup/platform-backup";
import { Naming } from "../../src/naming/naming";

const naming = new Naming("platform", "prod");
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-prod-alerts";
const CLUSTER = "arn:aws:rds:eu-west-1:123456789012:cluster:platform-prod-db";
const TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-prod-app";
const BUCKET = "arn:aws:s3:::platform-prod-media-123456789012";

type Json = Record<string, any>;
const parse = (json: string): Json => JSON.parse(json);
const resourcesOf = (json: string, type: string): Json[] => Object.values(parse(json).resource?.[type] ?? {});
const onlyResource = (json: string, type: string): Json => {
  const found = resourcesOf(json, type);
  expect(found).toHaveLength(1);
  return found[0];
};
/** The resource of `type` whose `name` argument is `name`. */
const named = (json: string, type: string, name: string): Json => {
  const found = resourcesOf(json, type).filter((resource) => resource.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

function synthBackup(props: Partial<PlatformBackupProps> = {}): string {
  return Testing.synthScope((scope) => {
    new AwsProvider(scope, "aws", { region: "eu-west-1" });
    const drProvider = new AwsProvider(scope, "aws-dr", { region: "us-west-2", alias: "dr" });
    const backup = new PlatformBackup(scope, "backup", {
      naming,
      account: new AccountContext(scope, "account"),
      kmsKeyArn: KEY,
      disasterRecovery: { provider: drProvider, region: "us-west-2" },
      serviceRoleBoundaryArn: "arn:aws:iam::123456789012:policy/platform-dev-service-boundary",
      hourlyRetentionDays: 7,
      dailyRetentionDays: 90,
      vaultLock: true,
      protectData: true,
      resourceArns: [CLUSTER, TABLE, BUCKET],
      alertTopicArn: TOPIC,
      ...props,
    });
    for (const field of ["vaultName", "vaultArn", "drVaultArn", "planId", "planArn", "roleArn"] as const) {
      const value = backup[field];
      if (value !== undefined) new TerraformOutput(scope, field, { value });
    }
  });
}

describe("PlatformBackup", () => {
  const json = synthBackup();
  const plan = onlyResource(json, "aws_backup_plan");
  const rule = (name: string): Json => plan.rule.find((candidate: Json) => candidate.rule_name === name);
  const drVaultReference = expect.stringMatching(/^\$\{aws_backup_vault\.backup_dr-vault_[A-Z0-9]+\.arn\}$/);

  it("keeps a primary vault encrypted with the environment's key that refuses destroy", () => {
    const vault = named(json, "aws_backup_vault", "platform-prod-backup");
    expect(vault).toMatchObject({ kms_key_arn: KEY, force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(vault.provider).toBeUndefined();
  });

  it("keeps the DR vault in the DR region, encrypted with a rotating key of its own there", () => {
    const drVault = named(json, "aws_backup_vault", "platform-prod-backup-dr");
    expect(drVault).toMatchObject({ provider: "aws.dr", force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(drVault.kms_key_arn).toMatch(/^\$\{aws_kms_key\.backup_dr-key_[A-Z0-9]+\.arn\}$/);
    const key = onlyResource(json, "aws_kms_key");
    expect(key).toMatchObject({ provider: "aws.dr", enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
    expect(json).toHaveResourceWithProperties(KmsAlias, { provider: "aws.dr", name: "alias/platform-prod-backup-dr" });
  });

  it("gives the DR key a policy without region-bound service principals", () => {
    const policy = JSON.parse(onlyResource(json, "aws_kms_key").policy);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Action: "kms:*", Resource: "*" }),
    ]);
    expect(policy.Statement[0].Principal.AWS).not.toContain("aws_region");
  });

  it("backs up continuously with an hourly rule kept hourlyRetentionDays, copied to the DR vault for as long", () => {
    expect(rule("hourly")).toMatchObject({
      schedule: HOURLY_SCHEDULE,
      enable_continuous_backup: true,
      target_vault_name: expect.stringContaining("aws_backup_vault.backup_vault_"),
      lifecycle: { delete_after: 7 },
      copy_action: [{ destination_vault_arn: drVaultReference, lifecycle: { delete_after: 7 } }],
      start_window: 60,
      completion_window: 180,
    });
    expect(HOURLY_SCHEDULE).toBe("cron(0 * ? * * *)");
  });

  it("takes daily snapshots kept dailyRetentionDays, copied to the DR vault for as long", () => {
    expect(rule("daily")).toMatchObject({
      schedule: DAILY_SCHEDULE,
      enable_continuous_backup: false,
      lifecycle: { delete_after: 90 },
      copy_action: [{ destination_vault_arn: drVaultReference, lifecycle: { delete_after: 90 } }],
      start_window: 60,
      completion_window: 480,
    });
    expect(DAILY_SCHEDULE).toBe("cron(0 3 ? * * *)");
    expect(plan.rule).toHaveLength(2);
    expect(plan.name).toBe("platform-prod-backup");
  });

  it("locks both vaults in governance mode with exactly the rules' retention range", () => {
    const locks = resourcesOf(json, "aws_backup_vault_lock_configuration");
    expect(locks).toHaveLength(2);
    for (const lock of locks) {
      expect(lock).toMatchObject({ min_retention_days: 7, max_retention_days: 90 });
      expect(lock.changeable_for_days).toBeUndefined();
    }
    expect(locks.map((lock) => lock.provider ?? "default").sort()).toEqual(["aws.dr", "default"]);
  });

  it("locks nothing unless asked to, and is destroyable with its recovery points where data is not protected", () => {
    const unprotected = synthBackup({ vaultLock: false, protectData: false });
    expect(unprotected).not.toHaveResource(BackupVaultLockConfiguration);
    for (const vault of resourcesOf(unprotected, "aws_backup_vault")) {
      expect(vault).toMatchObject({ force_destroy: true, lifecycle: { prevent_destroy: false } });
    }
    expect(unprotected).toHaveResourceWithProperties(KmsKey, { lifecycle: { prevent_destroy: false } });
  });

  it("falls back to the AWS-managed backup key for the primary vault without a customer-managed key", () => {
    const vault = named(synthBackup({ kmsKeyArn: undefined }), "aws_backup_vault", "platform-prod-backup");
    expect(vault.kms_key_arn).toBeUndefined();
  });

  it("selects the given resources by ARN, and tagged resources in a selection of their own", () => {
    const selections = resourcesOf(json, "aws_backup_selection");
    expect(selections).toHaveLength(2);
    const explicit = selections.find((selection) => selection.name === "platform-prod-backup-resources")!;
    expect(explicit.resources).toEqual([CLUSTER, TABLE, BUCKET]);
    expect(explicit.selection_tag).toBeUndefined();
    const tagged = selections.find((selection) => selection.name === "platform-prod-backup-tagged")!;
    expect(tagged.selection_tag).toEqual([{ type: "STRINGEQUALS", key: "backup", value: "platform-prod-backup" }]);
    expect(tagged.resources).toBeUndefined();
    for (const selection of selections) {
      expect(selection.iam_role_arn).toMatch(/^\$\{aws_iam_role\.backup_role_[A-Z0-9]+\.arn\}$/);
      expect(selection.depends_on).toHaveLength(4);
    }
  });

  it("never creates an empty ARN selection, which AWS Backup would read as every opted-in resource", () => {
    const tagOnly = synthBackup({ resourceArns: [] });
    expect(resourcesOf(tagOnly, "aws_backup_selection").map((selection) => selection.name)).toEqual(["platform-prod-backup-tagged"]);
  });

  it("runs as a role only AWS Backup in this account may assume, with the backup, restore and S3 managed policies", () => {
    expect(json).toHaveResourceWithProperties(IamRole, { name: "platform-prod-backup" });
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {
      statement: [
        expect.objectContaining({
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: [expect.stringMatching(/^backup\.\$\{data\.aws_partition\..*\.dns_suffix\}$/)] }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringContaining("aws_caller_identity")] }],
        }),
      ],
    });
    const policies = resourcesOf(json, "aws_iam_role_policy_attachment").map((attachment) => attachment.policy_arn.replace(/^arn:\$\{[^}]+\}/, "arn:<partition>"));
    expect(policies.sort()).toEqual([
      "arn:<partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
      "arn:<partition>:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
      "arn:<partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:<partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
    expect(json).toHaveResource(IamRolePolicyAttachment);
  });

  it("reports failed copies, S3 object failures and finished restores of the primary vault to the alert topic", () => {
    const notifications = onlyResource(json, "aws_backup_vault_notifications");
    expect(notifications).toMatchObject({ sns_topic_arn: TOPIC, backup_vault_name: expect.stringContaining("aws_backup_vault.backup_vault_") });
    expect([...notifications.backup_vault_events].sort()).toEqual(["COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED", "S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED"]);
    // Deprecated by AWS Backup: accepted, never emitted.
    expect(notifications.backup_vault_events).not.toContain("BACKUP_JOB_FAILED");
    expect(json).toHaveResource(BackupVaultNotifications);
  });

  it("sends failed, cancelled, expired and partial backup jobs of this vault only to the alert topic through EventBridge", () => {
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Backup Job State Change"],
      detail: { state: ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"], backupVaultName: ["platform-prod-backup"] },
    });
    expect(json).toHaveResourceWithProperties(CloudwatchEventTarget, { arn: TOPIC, rule: expect.stringContaining("aws_cloudwatch_event_rule.backup_failed-jobs_") });
    expect(json).toHaveResource(CloudwatchEventRule);
  });

  it("exposes the vaults, the plan and the role", () => {
    const outputs = parse(json).output;
    expect(outputs.vaultName.value).toMatch(/aws_backup_vault\.backup_vault_.*\.name/);
    expect(outputs.vaultArn.value).toMatch(/aws_backup_vault\.backup_vault_.*\.arn/);
    expect(outputs.drVaultArn.value).toMatch(/aws_backup_vault\.backup_dr-vault_.*\.arn/);
    expect(outputs.planId.value).toMatch(/aws_backup_plan\..*\.id/);
    expect(outputs.planArn.value).toMatch(/aws_backup_plan\..*\.arn/);
    expect(outputs.roleArn.value).toMatch(/aws_iam_role\..*\.arn/);
    expect(json).toHaveResource(BackupPlan);
    expect(json).toHaveResource(BackupSelection);
    expect(json).toHaveResource(BackupVaultResource);
  });

  it("uses the smaller retention as the lock minimum whichever rule has it", () => {
    const locks = resourcesOf(synthBackup({ hourlyRetentionDays: 35, dailyRetentionDays: 14 }), "aws_backup_vault_lock_configuration");
    expect(locks.map((lock) => [lock.min_retention_days, lock.max_retention_days])).toEqual([
      [14, 35],
      [14, 35],
    ]);
  });

  it("without a DR region keeps recovery points in the primary vault only: no DR key, vault or copy action", () => {
    const local = synthBackup({ disasterRecovery: undefined });
    expect(resourcesOf(local, "aws_kms_key")).toEqual([]);
    expect(resourcesOf(local, "aws_kms_alias")).toEqual([]);
    expect(resourcesOf(local, "aws_backup_vault").map((vault) => vault.name)).toEqual(["platform-prod-backup"]);
    const rules: Json[] = onlyResource(local, "aws_backup_plan").rule;
    expect(rules.map((candidate) => candidate.rule_name).sort()).toEqual(["daily", "hourly"]);
    for (const candidate of rules) expect(candidate.copy_action).toBeUndefined();
    expect(parse(local).output.drVaultArn).toBeUndefined();
  });

  it("refuses retentions AWS Backup would reject", () => {
    expect(() => synthBackup({ hourlyRetentionDays: 36 })).toThrow(/hourlyRetentionDays must be 1-35/);
    expect(() => synthBackup({ hourlyRetentionDays: 0 })).toThrow(/hourlyRetentionDays/);
    expect(() => synthBackup({ dailyRetentionDays: 36501 })).toThrow(/dailyRetentionDays must be 1-36500/);
    expect(() => synthBackup({ dailyRetentionDays: 1.5 })).toThrow(/dailyRetentionDays/);
  });
});

describe("BackupVault", () => {
  it("refuses names AWS Backup would reject and inverted lock ranges", () => {
    const build = (name: string, lock?: { minRetentionDays: number; maxRetentionDays: number }) => () =>
      Testing.synthScope((scope) => new BackupVault(scope, "vault", { name, protectData: false, lock }));
    expect(build("platform.prod")).toThrow(/not a vault name/);
    expect(build("x".repeat(51))).toThrow(/not a vault name/);
    expect(build("platform-prod-backup", { minRetentionDays: 30, maxRetentionDays: 7 })).toThrow(/min <= max/);
    expect(build("platform-prod-backup", { minRetentionDays: 7, maxRetentionDays: 30 })).not.toThrow();
  });
});
