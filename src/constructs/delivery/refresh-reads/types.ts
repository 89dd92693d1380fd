/**
 * What Terraform's AWS provider (6.25.0) calls when it refreshes one resource type, or reads one
 * data source, during `plan`: the plan roles are granted exactly the union of these, and nothing
 * that writes.
 */
export interface RefreshReads {
  /**
   * IAM actions the provider's Read function (and the tag listing it does for default_tags) calls,
   * as `service:Action`. Only actions of access level Read or List.
   */
  readonly actions: readonly string[];
  /**
   * Reads that return secret material (a secret's value, a SecureString decrypted). Only the
   * pipeline's plan role gets them, scoped to the project's resources; a pull-request plan does
   * not refresh, so it needs none of them.
   */
  readonly secretActions?: readonly string[];
  /**
   * The services whose Read makes AWS decrypt with the resource's customer-managed KMS key on the
   * caller's behalf (`kms:Decrypt` through `kms:ViaService`), e.g. `secretsmanager` for
   * GetSecretValue, `ssm` for GetParameter WithDecryption.
   */
  readonly decryptsVia?: readonly string[];
  /** The provider source file(s) read, e.g. `internal/service/sqs/queue.go`. */
  readonly source: string;
  /** Anything worth knowing: why an action is there, what the Read skips. */
  readonly note?: string;
}

/** Resource or data source type (`aws_sqs_queue`, `data.aws_region`) → its refresh reads. */
export type RefreshReadTable = Readonly<Record<string, RefreshReads>>;
