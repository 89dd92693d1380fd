/*
 * What the delivery boundary promises to keep from every role it caps (README, "Who may do what":
 * the apply role), written out here rather than taken from src/constructs/iam/guardrails.ts or
 * terraform-roles.ts, so that an action dropped from the boundary fails the tests that read these
 * lists: the boundary's own statements (delivery/pipeline-stack.test.ts) and what the simulated
 * delivery roles may never do (iam/jobs/delivery.ts).
 */

/** The state bucket's (and its access-log bucket's) protections: policy, ACLs, versioning, encryption, lifecycle, logging, replication. */
export const STATE_BUCKET_SETTINGS: readonly string[] = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketAcl",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketLogging",
  "s3:PutReplicationConfiguration",
  "s3:PutBucketObjectLockConfiguration",
  "s3:PutInventoryConfiguration",
  "s3:DeleteBucket",
];

/** Disabling, deleting, re-policying or moving the state key. */
export const STATE_KEY_SETTINGS: readonly string[] = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation", "kms:PutKeyPolicy", "kms:ReplicateKey", "kms:UpdatePrimaryRegion"];

/** The lock table's deletion protection (UpdateTable), point-in-time recovery and resource policy. */
export const LOCK_TABLE_SETTINGS: readonly string[] = [
  "dynamodb:DeleteTable",
  "dynamodb:UpdateTable",
  "dynamodb:UpdateContinuousBackups",
  "dynamodb:PutResourcePolicy",
  "dynamodb:DeleteResourcePolicy",
];

/** IAM users, their access keys, passwords, policies, groups and other long-lived credentials. */
export const IAM_USER_ACTIONS: readonly string[] = [
  "iam:CreateUser",
  "iam:UpdateUser",
  "iam:DeleteUser",
  "iam:CreateAccessKey",
  "iam:UpdateAccessKey",
  "iam:DeleteAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:DetachUserPolicy",
  "iam:DeleteUserPolicy",
  "iam:AddUserToGroup",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:CreateServiceSpecificCredential",
  "iam:UploadSSHPublicKey",
  "iam:UploadSigningCertificate",
];
