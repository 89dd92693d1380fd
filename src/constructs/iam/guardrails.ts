import type { DataAwsIamPolicyDocumentStatement, DataAwsIamPolicyDocumentStatementCondition } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";

/** Where Terraform state lives: what no role below an administrator may weaken or destroy. */
export interface StateStoreGuard {
  readonly partition: string;
  readonly accountId: string;
  /** State buckets and the buckets holding their access logs. */
  readonly buckets: readonly string[];
  /** DynamoDB lock table ARNs. */
  readonly lockTableArns: readonly string[];
  /** The keys state is encrypted with: alias names (`alias/...`), alias ARNs or key ARNs. */
  readonly stateKeys: readonly string[];
}

/** Changes to a state bucket that would expose it, stop versioning, stop its logs or copy it elsewhere. */
const STATE_BUCKET_PROTECTION_ACTIONS = [
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

/** What would make the state key unusable or hand it to someone else. */
const STATE_KEY_PROTECTION_ACTIONS = [
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:PutKeyPolicy",
  "kms:ReplicateKey",
  "kms:UpdatePrimaryRegion",
];

/** What would remove the lock table, its deletion protection or its point-in-time recovery, or open it to others. */
const LOCK_TABLE_PROTECTION_ACTIONS = [
  "dynamodb:DeleteTable",
  "dynamodb:UpdateTable",
  "dynamodb:UpdateContinuousBackups",
  "dynamodb:PutResourcePolicy",
  "dynamodb:DeleteResourcePolicy",
];

const aliasName = (key: string) => (key.startsWith("alias/") ? key : /^arn:[^:]+:kms:[^:]*:\d{12}:(alias\/.+)$/.exec(key)?.[1]);

/** The state keys split the way policies can name them: by alias (`kms:ResourceAliases`) or by key ARN. */
function stateKeyTargets(guard: StateStoreGuard): { aliases: string[]; keyArns: string[] } {
  return {
    aliases: [...new Set(guard.stateKeys.map(aliasName).filter((alias): alias is string => alias !== undefined))],
    keyArns: [...new Set(guard.stateKeys.filter((key) => aliasName(key) === undefined))],
  };
}

/**
 * Deny statements that keep Terraform state recoverable whatever else a policy grants: the state
 * buckets keep their protections and every old version, current state objects cannot be deleted,
 * the state key stays enabled, rotating and under its policy (and grants go only to AWS services
 * acting for a resource), and the lock table keeps deletion protection and point-in-time recovery.
 */
export function stateProtectionDenies(guard: StateStoreGuard): DataAwsIamPolicyDocumentStatement[] {
  const bucketArns = [...new Set(guard.buckets)].map((bucket) => `arn:${guard.partition}:s3:::${bucket}`);
  const { aliases, keyArns } = stateKeyTargets(guard);
  const byKey = (sid: string, actions: string[], extra: DataAwsIamPolicyDocumentStatementCondition[] = []): DataAwsIamPolicyDocumentStatement[] => [
    ...(aliases.length > 0
      ? [{ sid: `${sid}ByAlias`, effect: "Deny", actions, resources: ["*"], condition: [{ test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: aliases }, ...extra] }]
      : []),
    ...(keyArns.length > 0 ? [{ sid: `${sid}ByArn`, effect: "Deny", actions, resources: keyArns, condition: extra.length > 0 ? extra : undefined }] : []),
  ];
  return [
    { sid: "StateBucketsKeepTheirProtection", effect: "Deny", actions: STATE_BUCKET_PROTECTION_ACTIONS, resources: bucketArns },
    {
      sid: "StateVersionsAndObjectsStay",
      effect: "Deny",
      actions: ["s3:DeleteObjectVersion"],
      resources: bucketArns.map((arn) => `${arn}/*`),
    },
    { sid: "CurrentStateStays", effect: "Deny", actions: ["s3:DeleteObject"], resources: bucketArns.map((arn) => `${arn}/*.tfstate`) },
    ...byKey("StateKeyStaysUsable", STATE_KEY_PROTECTION_ACTIONS),
    // Services such as DynamoDB create grants for the resources they encrypt; nobody else gets one.
    ...byKey("StateKeyGrantsOnlyForAwsResources", ["kms:CreateGrant"], [{ test: "Bool", variable: "kms:GrantIsForAWSResource", values: ["false"] }]),
    ...(aliases.length > 0
      ? [
          {
            sid: "StateKeyAliasStaysOnItsKey",
            effect: "Deny",
            actions: ["kms:DeleteAlias", "kms:UpdateAlias"],
            resources: aliases.map((alias) => `arn:${guard.partition}:kms:*:${guard.accountId}:${alias}`),
          },
        ]
      : []),
    ...(guard.lockTableArns.length > 0
      ? [{ sid: "LockTableKeepsItsProtection", effect: "Deny", actions: LOCK_TABLE_PROTECTION_ACTIONS, resources: [...new Set(guard.lockTableArns)] }]
      : []),
  ];
}

/**
 * Deny statements that keep Terraform state unread by roles that have no business with it (AWS
 * service roles whose managed policies reach every bucket and key): no state object, no use of the
 * state key.
 */
export function stateReadDenies(guard: StateStoreGuard): DataAwsIamPolicyDocumentStatement[] {
  const { aliases, keyArns } = stateKeyTargets(guard);
  const keyActions = ["kms:Decrypt", "kms:GenerateDataKey*", "kms:Encrypt", "kms:ReEncrypt*"];
  return [
    {
      sid: "StateStaysUnread",
      effect: "Deny",
      actions: ["s3:GetObject*", "s3:PutObject*"],
      resources: [...new Set(guard.buckets)].map((bucket) => `arn:${guard.partition}:s3:::${bucket}/*`),
    },
    ...(aliases.length > 0
      ? [{ sid: "StateKeyStaysUnusedByAlias", effect: "Deny", actions: keyActions, resources: ["*"], condition: [{ test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: aliases }] }]
      : []),
    ...(keyArns.length > 0 ? [{ sid: "StateKeyStaysUnusedByArn", effect: "Deny", actions: keyActions, resources: keyArns }] : []),
    ...(guard.lockTableArns.length > 0 ? [{ sid: "LockTableStaysUntouched", effect: "Deny", actions: ["dynamodb:*"], resources: [...new Set(guard.lockTableArns)] }] : []),
  ];
}

export interface RoleGuard {
  readonly partition: string;
  readonly accountId: string;
  /** The permissions boundaries a role may be created or changed with; each is frozen once created. */
  readonly allowedBoundaryArns: readonly string[];
  /** Role names the holder may pass, trust-edit or assume (`<project>-*`): all carry an allowed boundary. */
  readonly roleNamePattern: string;
  /** Roles of other accounts it may also assume (environment accounts' deploy roles, each bounded there). */
  readonly assumableRoleArns?: readonly string[];
}

/**
 * Deny statements that stop a role from escaping its own cap through the roles it creates: every
 * role it creates or grants to must carry one of the allowed boundaries, no boundary can be
 * removed, the boundary policies cannot be rewritten, and only the project's own (bounded) roles
 * can be passed to a service, re-trusted or assumed.
 */
export function roleEscalationDenies(guard: RoleGuard): DataAwsIamPolicyDocumentStatement[] {
  const allowed = [...new Set(guard.allowedBoundaryArns)];
  return [
    {
      sid: "NewAndChangedRolesCarryAnAllowedBoundary",
      effect: "Deny",
      actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:PutRolePolicy"],
      resources: ["*"],
      condition: [{ test: "StringNotEquals", variable: "iam:PermissionsBoundary", values: allowed }],
    },
    { sid: "NoBoundaryIsLifted", effect: "Deny", actions: ["iam:DeleteRolePermissionsBoundary"], resources: ["*"] },
    {
      sid: "BoundariesStayAsCreated",
      effect: "Deny",
      actions: ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy"],
      resources: allowed,
    },
    {
      sid: "OnlyTheProjectsRolesArePassedTrustedOrAssumed",
      effect: "Deny",
      actions: ["iam:PassRole", "iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
      // Roles of other accounts can be neither passed nor re-trusted from here; only assumed.
      notResources: [`arn:${guard.partition}:iam::${guard.accountId}:role/${guard.roleNamePattern}`, ...(guard.assumableRoleArns ?? [])],
    },
  ];
}
