import { BackupPlan, type BackupPlanRule } from "@cdktf/provider-aws/lib/backup-plan";
import { BackupSelection } from "@cdktf/provider-aws/lib/backup-selection";
import { BackupVaultNotifications } from "@cdktf/provider-aws/lib/backup-vault-notifications";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { keyPolicy } from "../encryption/key-policy";
import { BackupVault } from "./backup-vault";
import { assumedBy } from "../iam/assumed-by";

/** Every hour on the hour (UTC). AWS Backup cron: minutes hours day-of-month month day-of-week year. */
export const HOURLY_SCHEDULE = "cron(0 * ? * * *)";
/** 03:00 UTC, after the Aurora cluster's own backup window (02:00-03:00). */
export const DAILY_SCHEDULE = "cron(0 3 ? * * *)";
/** AWS Backup keeps continuous (point-in-time) backups for at most 35 days. */
export const MAX_CONTINUOUS_RETENTION_DAYS = 35;
/** AWS Backup keeps a recovery point for at most 100 years. */
export const MAX_RETENTION_DAYS = 36500;

/**
 * Start and completion windows in minutes. A job that has not started within its start window is
 * EXPIRED (and alerted); one that has not finished within its completion window, counted from the
 * scheduled time, is cancelled. An hourly job must not pile up behind the next one, so it gets
 * less room than the daily one, which may have a whole bucket or table to read.
 */
export const BACKUP_WINDOWS = {
  hourly: { startWindow: 60, completionWindow: 180 },
  daily: { startWindow: 60, completionWindow: 480 },
} as const;

/**
 * What the primary vault reports to the alert topic through its SNS notifications. Failed backup
 * jobs are not among them: AWS Backup no longer emits `BACKUP_JOB_FAILED` (deprecated; it would be
 * accepted and never fire) and `BACKUP_JOB_COMPLETED` would mail every hourly success, so failed
 * backup jobs reach the topic through an EventBridge rule instead (`FAILED_BACKUP_JOB_STATES`).
 */
export const BACKUP_VAULT_EVENTS = ["COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED", "S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED"] as const;

/** Backup job states that mean a recovery point is missing: failed, cancelled, never started, or incomplete. */
export const FAILED_BACKUP_JOB_STATES = ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"] as const;

/** AWS managed policies of the backup role (paths under `arn:<partition>:iam::aws:policy/`). */
export const BACKUP_ROLE_MANAGED_POLICIES = [
  "service-role/AWSBackupServiceRolePolicyForBackup",
  "service-role/AWSBackupServiceRolePolicyForRestores",
  // S3 has policies of its own, outside the service-role path.
  "AWSBackupServiceRolePolicyForS3Backup",
  "AWSBackupServiceRolePolicyForS3Restore",
] as const;

/** The tag key that assigns further resources to the plan (value: the plan's name). */
export const BACKUP_TAG_KEY = "backup";

export interface PlatformBackupProps {
  readonly naming: Naming;
  /** Account, partition and PRIMARY region; ARNs in the DR region come from the DR resources themselves. */
  readonly account: AccountContext;
  /**
   * The environment's key, for the primary vault. Default (absent): the AWS-managed `aws/backup`
   * key. Aurora snapshots keep the cluster's own key in the primary region either way.
   */
  readonly kmsKeyArn?: string;
  /** The permissions boundary of the AWS service roles of the environment (core's `serviceBoundaryArn`). */
  readonly serviceRoleBoundaryArn: string;
  /**
   * Where every recovery point is copied: an AWS provider alias in that region (the stack creates
   * it, with the layer's default tags) and the region's name. Absent: no copies, no DR vault or key.
   */
  readonly disasterRecovery?: { readonly provider: TerraformProvider; readonly region: string };
  /** Retention of the hourly (continuous) recovery points and of their DR copies: 1-35 days. */
  readonly hourlyRetentionDays: number;
  /** Retention of the daily snapshots and of their DR copies: 1-36500 days. */
  readonly dailyRetentionDays: number;
  /** Vault Lock in governance mode on both vaults, with the retention range of the two rules. */
  readonly vaultLock: boolean;
  /** `prevent_destroy` on the vaults and the DR key; when false `destroy` deletes the recovery points too. */
  readonly protectData: boolean;
  /**
   * Resources backed up by ARN: the Aurora cluster, the DynamoDB table if any, the media bucket.
   * Explicit ARNs are backed up even where the account has not opted the resource type in.
   * Empty: only tagged resources are backed up.
   */
  readonly resourceArns: string[];
  /** Failed backup and copy jobs, S3 object failures and finished restores are reported here. */
  readonly alertTopicArn: string;
}

/**
 * AWS Backup for the environment's data: a vault in the primary region, optionally a vault in the
 * DR region encrypted with a key of its own there, and one plan with two rules whose recovery
 * points are all copied to the DR vault (when there is one) with the same retention:
 *
 * - `hourly` is a CONTINUOUS rule. Aurora and S3 get one point-in-time recovery point each, which
 *   restores to any second of the last `hourlyRetentionDays` (continuous backups are capped at 35
 *   days, which is why the hourly retention is too); resource types without continuous support
 *   (DynamoDB) get an hourly snapshot from the same rule. Continuous rather than hourly snapshots
 *   because hourly S3 snapshots would re-scan the whole bucket every hour and 24 Aurora snapshots
 *   a day would be kept for nothing finer than what the transaction log gives. Every run still
 *   copies a snapshot to the DR vault (copies are always snapshots), so the DR region is at most
 *   an hour behind.
 * - `daily` is a SNAPSHOT rule: continuous backups cannot be kept past 35 days, and these are the
 *   long-term points (`dailyRetentionDays`, up to 100 years).
 *
 * Resources are assigned twice, in two selections (whose union is backed up): by ARN
 * (`resourceArns`) and by the tag `backup = <plan name>`. Two selections rather than ARNs and tag
 * in one, because AWS Backup filters the resources listed in a selection by its tags, so
 * untagged resources would silently drop out.
 *
 * Failed backup jobs (EventBridge) and failed copies, S3 object failures and finished restores
 * (vault notifications) go to the alert topic.
 */
export class PlatformBackup extends Construct {
  readonly vaultName: string;
  readonly vaultArn: string;
  /** The DR vault and its customer-managed key, in the DR region; absent without `disasterRecovery`. */
  readonly drVaultName?: string;
  readonly drVaultArn?: string;
  readonly drKeyArn?: string;
  readonly planId: string;
  readonly planArn: string;
  readonly roleArn: string;
  /** `{ key: "backup", value: <plan name> }`: tag a resource with it to add it to the plan. */
  readonly selectionTag: { readonly key: string; readonly value: string };

  constructor(scope: Construct, id: string, props: PlatformBackupProps) {
    super(scope, id);
    validate(props);
    const { naming, account, disasterRecovery, protectData, hourlyRetentionDays, dailyRetentionDays } = props;
    const planName = naming.name("backup");
    this.selectionTag = { key: BACKUP_TAG_KEY, value: planName };

    // Only whole recovery points inside the rules' range may enter a locked vault: the lock's
    // range is exactly the range the two rules (and their copies) produce.
    const lock = props.vaultLock
      ? { minRetentionDays: Math.min(hourlyRetentionDays, dailyRetentionDays), maxRetentionDays: Math.max(hourlyRetentionDays, dailyRetentionDays) }
      : undefined;

    const vault = new BackupVault(this, "vault", { name: naming.name("backup"), kmsKeyArn: props.kmsKeyArn, protectData, lock });

    const dr = disasterRecovery && this.disasterRecoveryVault(props, disasterRecovery, lock);

    const rule = (ruleName: "hourly" | "daily", schedule: string, deleteAfter: number, continuous: boolean): BackupPlanRule => ({
      ruleName,
      targetVaultName: vault.name,
      schedule,
      ...BACKUP_WINDOWS[ruleName],
      enableContinuousBackup: continuous,
      lifecycle: { deleteAfter },
      copyAction: dr ? [{ destinationVaultArn: dr.vault.arn, lifecycle: { deleteAfter } }] : undefined,
    });
    const plan = new BackupPlan(this, "plan", {
      name: planName,
      rule: [rule("hourly", HOURLY_SCHEDULE, hourlyRetentionDays, true), rule("daily", DAILY_SCHEDULE, dailyRetentionDays, false)],
    });

    const trust = assumedBy(this, "trust", account, "backup");
    const role = new IamRole(this, "role", {
      name: naming.name("backup"),
      permissionsBoundary: props.serviceRoleBoundaryArn,
      description: `AWS Backup backs up, copies and restores ${naming.prefix}'s data as this role`,
      assumeRolePolicy: trust,
    });
    const attachments = BACKUP_ROLE_MANAGED_POLICIES.map(
      (policy) =>
        new IamRolePolicyAttachment(this, `role-${policy.replace(/^.*\//, "")}`, {
          role: role.name,
          policyArn: `arn:${account.partition}:iam::aws:policy/${policy}`,
        }),
    );

    // A selection is validated against the role when it is created: attach the policies first.
    if (props.resourceArns.length > 0) {
      new BackupSelection(this, "selection-resources", {
        name: naming.name("backup", "resources"),
        planId: plan.id,
        iamRoleArn: role.arn,
        resources: props.resourceArns,
        dependsOn: attachments,
      });
    }
    new BackupSelection(this, "selection-tagged", {
      name: naming.name("backup", "tagged"),
      planId: plan.id,
      iamRoleArn: role.arn,
      selectionTag: [{ type: "STRINGEQUALS", key: BACKUP_TAG_KEY, value: planName }],
      dependsOn: attachments,
    });

    new BackupVaultNotifications(this, "notifications", {
      backupVaultName: vault.name,
      snsTopicArn: props.alertTopicArn,
      backupVaultEvents: [...BACKUP_VAULT_EVENTS],
    });
    // Only this environment's vault: other environments in the account alert their own topics.
    const failedJobs = new CloudwatchEventRule(this, "failed-jobs", {
      name: naming.name("backup", "failed"),
      description: `Backup jobs of ${naming.prefix} that failed, were cancelled or never started`,
      eventPattern: JSON.stringify({
        source: ["aws.backup"],
        "detail-type": ["Backup Job State Change"],
        detail: { state: [...FAILED_BACKUP_JOB_STATES], backupVaultName: [naming.name("backup")] },
      }),
    });
    new CloudwatchEventTarget(this, "failed-jobs-alert", { rule: failedJobs.name, targetId: "alert-topic", arn: props.alertTopicArn });

    this.vaultName = vault.name;
    this.vaultArn = vault.arn;
    this.drVaultName = dr?.vault.name;
    this.drVaultArn = dr?.vault.arn;
    this.drKeyArn = dr?.key.arn;
    this.planId = plan.id;
    this.planArn = plan.arn;
    this.roleArn = role.arn;
  }

  private disasterRecoveryVault(
    props: PlatformBackupProps,
    disasterRecovery: NonNullable<PlatformBackupProps["disasterRecovery"]>,
    lock: { minRetentionDays: number; maxRetentionDays: number } | undefined,
  ): { key: KmsKey; vault: BackupVault } {
    const { naming, account, protectData } = props;
    const { provider, region } = disasterRecovery;
    // A key of its own in the DR region: the environment's key is regional, and a copy must stay
    // readable when the primary region (and its key) is what was lost. Only the account statement:
    // AWS Backup and RDS use the key through grants made by the backup role.
    const key = new KmsKey(this, "dr-key", {
      provider,
      description: `Encrypts the ${region} copies of ${naming.prefix}'s backups`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy(account),
      lifecycle: { preventDestroy: protectData },
    });
    new KmsAlias(this, "dr-key-alias", { provider, name: `alias/${naming.name("backup", "dr")}`, targetKeyId: key.keyId });
    const vault = new BackupVault(this, "dr-vault", { name: naming.name("backup", "dr"), kmsKeyArn: key.arn, provider, protectData, lock });
    return { key, vault };
  }
}

function validate(props: PlatformBackupProps): void {
  const problems: string[] = [];
  const wholeDays = (value: number, max: number) => Number.isInteger(value) && value >= 1 && value <= max;
  if (!wholeDays(props.hourlyRetentionDays, MAX_CONTINUOUS_RETENTION_DAYS)) {
    problems.push(`hourlyRetentionDays must be 1-${MAX_CONTINUOUS_RETENTION_DAYS} whole days (continuous backups), got ${props.hourlyRetentionDays}`);
  }
  if (!wholeDays(props.dailyRetentionDays, MAX_RETENTION_DAYS)) {
    problems.push(`dailyRetentionDays must be 1-${MAX_RETENTION_DAYS} whole days, got ${props.dailyRetentionDays}`);
  }
  if (problems.length > 0) throw new Error(`PlatformBackup: ${problems.join("; ")}`);
}
