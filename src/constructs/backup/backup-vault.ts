import { BackupVault as BackupVaultResource } from "@cdktf/provider-aws/lib/backup-vault";
import { BackupVaultLockConfiguration } from "@cdktf/provider-aws/lib/backup-vault-lock-configuration";
import type { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** The retention range a locked vault accepts; recovery points outside it are refused. */
export interface VaultLockRetention {
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
}

export interface BackupVaultProps {
  /** The vault's name: 2-50 letters, digits, `-` or `_`, unique per account and region. */
  readonly name: string;
  /** Encrypts recovery points of fully managed types (S3, DynamoDB). Default: the AWS-managed `aws/backup` key. */
  readonly kmsKeyArn?: string;
  /** Where the vault lives. Default: the stack's default AWS provider. */
  readonly provider?: TerraformProvider;
  /**
   * `prevent_destroy` and no `force_destroy`. When false, `destroy` deletes the recovery points
   * with the vault (an environment that is torn down keeps nothing behind).
   */
  readonly protectData: boolean;
  /** Vault Lock in governance mode with this retention range. Default: no lock. */
  readonly lock?: VaultLockRetention;
}

/**
 * An AWS Backup vault, optionally locked. The lock is always in governance mode (no
 * `changeable_for_days`): recovery points cannot be deleted or shortened before their retention
 * ends, except by a principal allowed `backup:DeleteBackupVaultLockConfiguration`. Compliance mode
 * would become immutable after its grace time, and with it a wrong retention would bill for years.
 */
export class BackupVault extends Construct {
  readonly vault: BackupVaultResource;
  readonly lock?: BackupVaultLockConfiguration;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: BackupVaultProps) {
    super(scope, id);
    const { protectData, provider } = props;
    if (!/^[A-Za-z0-9_-]{2,50}$/.test(props.name)) {
      throw new Error(`BackupVault: "${props.name}" is not a vault name (2-50 letters, digits, - or _)`);
    }
    if (props.lock) validateLock(props.lock);
    this.vault = new BackupVaultResource(this, "vault", {
      provider,
      name: props.name,
      kmsKeyArn: props.kmsKeyArn,
      forceDestroy: !protectData,
      lifecycle: { preventDestroy: protectData },
    });
    this.name = this.vault.name;
    this.arn = this.vault.arn;
    if (props.lock) {
      this.lock = new BackupVaultLockConfiguration(this, "lock", {
        provider,
        backupVaultName: this.vault.name,
        minRetentionDays: props.lock.minRetentionDays,
        maxRetentionDays: props.lock.maxRetentionDays,
      });
    }
  }
}

function validateLock({ minRetentionDays, maxRetentionDays }: VaultLockRetention): void {
  const days = (value: number) => Number.isInteger(value) && value >= 1 && value <= 36500;
  if (!days(minRetentionDays) || !days(maxRetentionDays) || minRetentionDays > maxRetentionDays) {
    throw new Error(`BackupVault: lock retention must be whole days with 1 <= min <= max <= 36500 (got ${minRetentionDays}-${maxRetentionDays})`);
  }
}
