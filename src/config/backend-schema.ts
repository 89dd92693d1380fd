import { z } from "zod";
import { awsRegion } from "./environment-schema";

export const NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

const s3BucketName = z
  .string({ error: "must be an S3 bucket name string" })
  .regex(/^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
    error: "must be a valid S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens",
  });

const lockTableName = z
  .string({ error: "must be a DynamoDB table name string" })
  .regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: "must be a DynamoDB table name: 3-255 letters, digits, '_', '-', '.'" });

const keyPrefix = z
  .string({ error: "must be a state key prefix string" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]$/, {
    error: 'must be a path such as "platform/dev": letters, digits, "_", "-", ".", "/", without a leading or trailing slash',
  });

export const s3BackendSchema = z
  .strictObject({
    type: z.literal("s3"),
    bucket: s3BucketName.describe("The state bucket (the bootstrap stack creates the one named under `state`)."),
    region: awsRegion.describe("The state bucket's region."),
    keyPrefix: keyPrefix.describe("State keys are `<keyPrefix>/<layer>.tfstate`."),
    lockTable: lockTableName.optional().describe("DynamoDB table for state locking (partition key LockID)."),
    useLockfile: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("S3 native locking (Terraform 1.10+, OpenTofu 1.10+). May be combined with lockTable while migrating."),
    encrypt: z.literal(true, { error: "must be true: state files hold secrets and are always encrypted" }),
    kmsKeyId: z
      .string({ error: "must be a KMS key ARN, alias ARN or alias name string" })
      .regex(/^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/(mrk-[a-f0-9]{32}|[a-f0-9-]{36})|alias\/[A-Za-z0-9/_-]+)|alias\/[A-Za-z0-9/_-]+)$/, {
        error:
          'must be a KMS key ARN, an alias ARN or an alias name such as "alias/platform-tfstate" (alias names hold only letters, digits, "/", "_" and "-")',
      })
      .optional()
      .describe(
        "The KMS key Terraform encrypts state and lock files with (the backend's kms_key_id). Default: the key the bootstrap stack creates for its state bucket, `alias/<state bucket>`; required for any other bucket.",
      ),
  })
  .refine((backend) => backend.lockTable !== undefined || backend.useLockfile, {
    error: 'has no locking: set "lockTable", "useLockfile": true, or both',
    path: ["lockTable"],
  });

export const cloudBackendSchema = z.strictObject({
  type: z.literal("cloud"),
  organization: z
    .string({ error: "must be a Terraform Cloud organization name string" })
    .regex(/^[A-Za-z0-9_-]+$/, { error: "must be a Terraform Cloud organization name: letters, digits, '_' and '-'" }),
  hostname: z
    .string({ error: "must be a host name string" })
    .regex(/^[a-z0-9.-]+$/, { error: 'must be a host name such as "app.terraform.io"' })
    .default("app.terraform.io"),
  workspacePrefix: z
    .string({ error: "must be a workspace name prefix string" })
    .regex(/^[A-Za-z0-9_-]+$/, { error: "must be letters, digits, '_' and '-'" })
    .describe("Workspaces are named `<workspacePrefix><layer>-<environment>`, one per stack."),
});

export const backendSchema = z.discriminatedUnion("type", [s3BackendSchema, cloudBackendSchema], {
  error: 'must be an object with "type": "s3" or "type": "cloud"',
});

export const backendConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  project: z
    .string({ error: "must be a project name string" })
    .regex(NAME_PATTERN, { error: "must start with a letter and hold only lower-case letters, digits and '-'" })
    .max(16, { error: "must be at most 16 characters: it prefixes AWS names that allow 32" })
    .describe("Prefixes every resource name and tag, and the default state keys."),
  state: z
    .strictObject({
      bucket: s3BucketName
        .max(58, { error: "must be at most 58 characters: its access-log bucket adds \"-logs\"" })
        .describe("The state bucket the bootstrap stack creates (and `<bucket>-logs` for its access logs). Bucket names are global: make it yours."),
      lockTable: lockTableName.describe("The lock table the bootstrap stack creates."),
      region: awsRegion.describe("Where the bootstrap stack creates them."),
      accountId: z
        .string({ error: 'must be a 12-digit AWS account id in quotes, such as "123456789012"' })
        .regex(/^\d{12}$/, { error: 'must be a 12-digit AWS account id in quotes, such as "123456789012"' })
        .optional()
        .describe(
          "The account of the state bucket and the pipeline (the tooling account). Needed when environments run in other accounts: each of those gets deploy roles in its own account, which the bucket and the state key admit to its own state only.",
        ),
      adminRoleName: z
        .string({ error: "must be an IAM role name string" })
        .regex(/^[\w+=,.@-]{1,64}$/, { error: "must be an IAM role name: 1-64 letters, digits and +=,.@_-" })
        .optional()
        .describe(
          "The administrator role in each environment account through which an administrator applies its account-<id> stack. Default: OrganizationAccountAccessRole, which AWS Organizations creates in member accounts.",
        ),
      bootstrapBackend: z
        .enum(["local", "s3"], { error: 'must be "local" (before the bucket exists) or "s3" (after migrating)' })
        .default("local")
        .describe('Where the bootstrap stack keeps its own state: "local" until the bucket exists, then "s3".'),
    })
    .describe("The state bucket and lock table, created by the bootstrap stack."),
  environments: z
    .record(z.string(), backendSchema)
    .describe("One entry per file in environments/: where that environment's stacks keep their state."),
});

export type BackendSettings = z.output<typeof backendSchema>;
export type S3BackendSettings = Extract<BackendSettings, { type: "s3" }>;
/** A backend as stacks use it: an S3 backend always names the key its state is encrypted with. */
export type ResolvedBackendSettings = Exclude<BackendSettings, { type: "s3" }> | (S3BackendSettings & { readonly kmsKeyId: string });
export type BackendConfig = z.output<typeof backendConfigSchema>;
