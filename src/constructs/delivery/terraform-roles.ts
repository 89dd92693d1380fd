import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";

/** One environment's remote state: what a plan must lock and read. */
export interface StateLocation {
  readonly bucket: string;
  readonly region: string;
  /** State objects are `<keyPrefix>/<layer>.tfstate`. */
  readonly keyPrefix: string;
  /** The DynamoDB lock table, when the backend locks with one. */
  readonly lockTable?: string;
  /** True when the backend locks with `<key>.tflock` objects (S3 native locking). */
  readonly useLockfile: boolean;
  /** The key the backend encrypts state and lock files with (key ARN, alias ARN or alias name). */
  readonly kmsKeyId: string;
}

export interface TerraformRolesProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** Role names are `<prefix>-<rolePart>-plan` and `<prefix>-<rolePart>-apply`, e.g. `platform-delivery-build-plan`. */
  readonly rolePart: string;
  /** Who may assume the plan role (a rendered trust policy). */
  readonly planTrustPolicy: string;
  /** Who may assume the apply role. */
  readonly applyTrustPolicy: string;
  /** Every state the roles plan and apply. */
  readonly states: readonly StateLocation[];
  /** Keys that encrypt those states (the state bucket's key, backends' kmsKeyId). */
  readonly stateKmsKeyArns: readonly string[];
  /** The permissions boundary of the apply role (see ApplyBoundary). */
  readonly applyBoundaryArn: string;
  /** What both roles also need where they run (build logs, artifacts). Default: nothing. */
  readonly runtimeStatements?: DataAwsIamPolicyDocumentStatement[];
}

/**
 * The two identities Terraform runs as. The plan role reads everything (AWS `ReadOnlyAccess`) and
 * writes only locks: a plan never writes state, it only holds the lock while it reads. The apply
 * role changes infrastructure: `AdministratorAccess`, because the stacks create IAM roles, keys,
 * networks and databases, capped by a permissions boundary that keeps it away from the state
 * bucket's protections, IAM users and access keys, and the delivery roles themselves.
 */
export class TerraformRoles extends Construct {
  readonly planRole: IamRole;
  readonly applyRole: IamRole;
  /** The policy document of the plan role's only write grants (locks), for review and tests. */
  readonly planPolicy: DataAwsIamPolicyDocument;

  constructor(scope: Construct, id: string, props: TerraformRolesProps) {
    super(scope, id);
    const { naming, account } = props;
    const awsManaged = (name: string) => `arn:${account.partition}:iam::aws:policy/${name}`;

    this.planRole = new IamRole(this, "plan-role", {
      name: naming.name(props.rolePart, "plan"),
      description: `Plans the ${naming.project} stacks: reads everything, writes only state locks`,
      assumeRolePolicy: props.planTrustPolicy,
      maxSessionDuration: 3600,
    });
    new IamRolePolicyAttachment(this, "plan-read-only", { role: this.planRole.name, policyArn: awsManaged("ReadOnlyAccess") });

    const s3 = (resource: string) => `arn:${account.partition}:s3:::${resource}`;
    const lockObjects = props.states.filter((state) => state.useLockfile).map((state) => s3(`${state.bucket}/${state.keyPrefix}/*.tfstate.tflock`));
    const lockTables = [
      ...new Set(
        props.states
          .filter((state) => state.lockTable)
          .map((state) => `arn:${account.partition}:dynamodb:${state.region}:${account.accountId}:table/${state.lockTable}`),
      ),
    ];
    const planStatements: DataAwsIamPolicyDocumentStatement[] = [
      ...(lockTables.length > 0
        ? [{ sid: "HoldTheStateLock", actions: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], resources: lockTables }]
        : []),
      ...(lockObjects.length > 0 ? [{ sid: "HoldTheStateLockFile", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: lockObjects }] : []),
      {
        sid: "ReadEncryptedStateAndWriteEncryptedLocks",
        actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
        resources: [...props.stateKmsKeyArns],
      },
      ...(props.runtimeStatements ?? []),
    ];
    this.planPolicy = new DataAwsIamPolicyDocument(this, "plan-policy-document", { statement: planStatements });
    new IamRolePolicy(this, "plan-policy", { role: this.planRole.id, name: "state-locks", policy: this.planPolicy.json });

    this.applyRole = new IamRole(this, "apply-role", {
      name: naming.name(props.rolePart, "apply"),
      description: `Applies saved plans of the ${naming.project} stacks, within ${naming.name("apply-boundary")}`,
      assumeRolePolicy: props.applyTrustPolicy,
      permissionsBoundary: props.applyBoundaryArn,
      maxSessionDuration: 3600 * 4,
    });
    new IamRolePolicyAttachment(this, "apply-administrator", { role: this.applyRole.name, policyArn: awsManaged("AdministratorAccess") });
    if (props.runtimeStatements && props.runtimeStatements.length > 0) {
      const runtime = new DataAwsIamPolicyDocument(this, "apply-runtime-document", { statement: props.runtimeStatements });
      new IamRolePolicy(this, "apply-runtime", { role: this.applyRole.id, name: "runtime", policy: runtime.json });
    }
  }
}

export interface ApplyBoundaryProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** Buckets holding Terraform state: their policy, versioning and encryption must not change under an apply. */
  readonly stateBuckets: readonly string[];
}

/** IAM actions on users and long-lived credentials; the platform never needs them, an attacker always does. */
export const IAM_USER_ACTIONS = [
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

/** Changes to a state bucket that would expose, stop versioning or delete the state. */
export const STATE_BUCKET_PROTECTION_ACTIONS = [
  "s3:PutBucketPolicy",
  "s3:DeleteBucketPolicy",
  "s3:PutBucketAcl",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutLifecycleConfiguration",
  "s3:PutBucketOwnershipControls",
  "s3:DeleteBucket",
];

/**
 * The permissions boundary of every apply role: whatever the role's policies grant, it may not
 * change the state buckets' protections, create IAM users or access keys, or change the delivery
 * roles and this boundary (which would lift every other limit).
 */
export class ApplyBoundary extends Construct {
  readonly policy: IamPolicy;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: ApplyBoundaryProps) {
    super(scope, id);
    const { naming, account } = props;
    const name = naming.name("apply-boundary");
    const document = new DataAwsIamPolicyDocument(this, "document", {
      statement: [
        {
          // A boundary only caps: the role's own policies decide what inside this is granted.
          sid: "EverythingTheRoleIsGrantedExceptIamUsers",
          notActions: IAM_USER_ACTIONS,
          resources: ["*"],
        },
        {
          sid: "StateBucketsKeepTheirProtection",
          effect: "Deny",
          actions: STATE_BUCKET_PROTECTION_ACTIONS,
          resources: [...new Set(props.stateBuckets)].map((bucket) => `arn:${account.partition}:s3:::${bucket}`),
        },
        { sid: "NoIamUsersOrAccessKeys", effect: "Deny", actions: IAM_USER_ACTIONS, resources: ["*"] },
        {
          sid: "DeliveryRolesAndThisBoundaryStayAsTheyAre",
          effect: "Deny",
          actions: [
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:UpdateAssumeRolePolicy",
            "iam:UpdateRole",
            "iam:DeleteRole",
            "iam:PutRolePermissionsBoundary",
            "iam:DeleteRolePermissionsBoundary",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion",
            "iam:SetDefaultPolicyVersion",
            "iam:DeletePolicy",
          ],
          resources: [account.arn("iam", `role/${naming.prefix}-*`, { regional: false }), account.arn("iam", `policy/${name}`, { regional: false })],
        },
      ],
    });
    this.policy = new IamPolicy(this, "policy", {
      name,
      description: `Caps the apply roles of ${naming.project}: no state bucket protection changes, no IAM users or access keys, no changes to the delivery roles`,
      policy: document.json,
    });
    this.arn = this.policy.arn;
  }
}
