import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { roleEscalationDenies, type StateStoreGuard, stateProtectionDenies } from "../iam/guardrails";
import { dataSourceReads, refreshReads } from "./refresh-reads";

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
  /**
   * `refresh`: plans of the protected branch compare with what exists, so the role reads every
   * resource type the stacks declare, the project's secrets and SecureString parameters as refresh
   * does, and holds the lock. `review`: plans of proposed changes (pull requests, any branch) run
   * `-refresh=false -lock=false`, so the role reads only state and what data sources read.
   */
  readonly planMode: "refresh" | "review";
  /** Every state the roles plan and apply. */
  readonly states: readonly StateLocation[];
  /** Keys that encrypt those states (the state bucket's key, backends' kmsKeyId), as key ARNs. */
  readonly stateKmsKeyArns: readonly string[];
  /** Regions the planned environments run in: where refresh decrypts through AWS services. */
  readonly regions: readonly string[];
  /** The delivery permissions boundary: the apply role's cap, and the plan role's too. */
  readonly boundaryArn: string;
  /** Longest session of the apply role, in seconds: a first apply of an environment takes long. */
  readonly applySessionSeconds: number;
  /** What both roles also need where they run (build logs, artifacts). Default: nothing. */
  readonly runtimeStatements?: DataAwsIamPolicyDocumentStatement[];
  /** Deploy roles of environments in other accounts each role works through (`accounts.ts`). Default: none. */
  readonly deployRoleArns?: { readonly plan: readonly string[]; readonly apply: readonly string[] };
}

/** Only the pipeline's own refresh may read these secret values, and only the project's. */
function secretReadResources(action: string, account: AccountContext, project: string): string[] {
  const anyRegion = (service: string, resource: string) => `arn:${account.partition}:${service}:*:${account.accountId}:${resource}`;
  switch (action) {
    case "secretsmanager:GetSecretValue":
      return [anyRegion("secretsmanager", `secret:${project}-*`)];
    case "ssm:GetParameter":
      return [anyRegion("ssm", `parameter/${project}/*`)];
    default:
      throw new Error(`TerraformRoles: refresh needs the secret read ${action}; decide which of the project's resources it may read`);
  }
}

/**
 * The two identities Terraform runs as. The plan role reads exactly what `terraform plan` calls
 * for the resource types the stacks declare (`refresh-reads/`) and writes only locks: a plan never
 * writes state. The apply role changes infrastructure: `AdministratorAccess`, because the stacks
 * create IAM roles, keys, networks and databases, capped by the delivery boundary, which keeps it
 * away from the state store's protections, IAM users and access keys, unbounded roles, and the
 * delivery roles themselves.
 */
export class TerraformRoles extends Construct {
  readonly planRole: IamRole;
  readonly applyRole: IamRole;
  /** The plan role's own statements (state, locks, secrets, keys), for review and tests. */
  readonly planPolicy: DataAwsIamPolicyDocument;
  /** The read actions of the plan role, as a managed policy (too large for an inline one beside the rest). */
  readonly planReads: IamPolicy;

  constructor(scope: Construct, id: string, props: TerraformRolesProps) {
    super(scope, id);
    const { naming, account } = props;
    const awsManaged = (name: string) => `arn:${account.partition}:iam::aws:policy/${name}`;
    const refresh = props.planMode === "refresh";

    this.planRole = new IamRole(this, "plan-role", {
      name: naming.name(props.rolePart, "plan"),
      description: refresh
        ? `Plans the ${naming.project} stacks: reads what refresh reads, writes only state locks`
        : `Plans proposed changes to the ${naming.project} stacks without refresh: reads state and data sources, writes nothing`,
      assumeRolePolicy: props.planTrustPolicy,
      permissionsBoundary: props.boundaryArn,
      maxSessionDuration: 3600,
    });

    const reads = refresh ? refreshReads().actions : dataSourceReads();
    const readsDocument = new DataAwsIamPolicyDocument(this, "plan-reads-document", {
      statement: [{ sid: refresh ? "RefreshEveryResourceTypeTheStacksDeclare" : "ReadWhatDataSourcesRead", actions: reads, resources: ["*"] }],
    });
    this.planReads = new IamPolicy(this, "plan-reads", {
      name: naming.name(props.rolePart, "plan-reads"),
      description: refresh ? "The read actions terraform plan calls to refresh the stacks' resources" : "The read actions of the stacks' data sources",
      policy: readsDocument.json,
    });
    new IamRolePolicyAttachment(this, "plan-reads-attachment", { role: this.planRole.name, policyArn: this.planReads.arn });

    const s3 = (resource: string) => `arn:${account.partition}:s3:::${resource}`;
    // With S3 native locking the backend keeps each state's digest beside it (`<key>.md5`); every
    // read compares the state with it (hashicorp/terraform internal/backend/remote-state/s3/client.go).
    const stateObjects = [
      ...new Set(
        props.states.flatMap((state) => [
          s3(`${state.bucket}/${state.keyPrefix}/*.tfstate`),
          ...(state.useLockfile ? [s3(`${state.bucket}/${state.keyPrefix}/*.tfstate.md5`)] : []),
        ]),
      ),
    ];
    const stateBuckets = [...new Set(props.states.map((state) => s3(state.bucket)))];
    const lockObjects = props.states.filter((state) => state.useLockfile).map((state) => s3(`${state.bucket}/${state.keyPrefix}/*.tfstate.tflock`));
    const lockTables = [
      ...new Set(
        props.states
          .filter((state) => state.lockTable)
          .map((state) => `arn:${account.partition}:dynamodb:${state.region}:${account.accountId}:table/${state.lockTable}`),
      ),
    ];
    const { secretActions, decryptsVia } = refreshReads();
    const planStatements: DataAwsIamPolicyDocumentStatement[] = [
      { sid: "FindTheStates", actions: ["s3:ListBucket"], resources: stateBuckets },
      { sid: "ReadTheStates", actions: ["s3:GetObject"], resources: stateObjects },
      ...(lockTables.length > 0
        ? [
            refresh
              ? { sid: "HoldTheStateLock", actions: ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"], resources: lockTables }
              : // Without the lock, the backend still compares each state it reads with the digest item the table keeps.
                { sid: "CompareTheStateDigests", actions: ["dynamodb:GetItem"], resources: lockTables },
          ]
        : []),
      ...(refresh && lockObjects.length > 0 ? [{ sid: "HoldTheStateLockFile", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: lockObjects }] : []),
      {
        sid: refresh ? "ReadEncryptedStateAndWriteEncryptedLocks" : "ReadEncryptedState",
        actions: refresh ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"] : ["kms:Decrypt", "kms:DescribeKey"],
        resources: [...props.stateKmsKeyArns],
      },
      ...(refresh
        ? [
            ...secretActions.map((action) => ({
              sid: `RefreshReads${action.split(":")[1]}OfTheProject`,
              actions: [action],
              resources: secretReadResources(action, account, naming.project),
            })),
            {
              // Secrets Manager, SSM, Lambda and Scheduler decrypt what they return with the
              // environment's key and the caller's permission; only through them, only the project's keys.
              sid: "DecryptWhatRefreshReadsThroughItsService",
              actions: ["kms:Decrypt"],
              resources: [`arn:${account.partition}:kms:*:${account.accountId}:key/*`],
              condition: [
                {
                  test: "StringEquals",
                  variable: "kms:ViaService",
                  values: [...new Set(props.regions)].flatMap((region) => decryptsVia.map((service) => `${service}.${region}.amazonaws.com`)),
                },
                { test: "ForAnyValue:StringLike", variable: "kms:ResourceAliases", values: [`alias/${naming.project}-*`] },
              ],
            },
          ]
        : []),
      ...(props.runtimeStatements ?? []),
      ...((props.deployRoleArns?.plan.length ?? 0) > 0
        ? [{ sid: "PlanThroughTheEnvironmentAccountsPlanRoles", actions: ["sts:AssumeRole"], resources: [...props.deployRoleArns!.plan] }]
        : []),
    ];
    this.planPolicy = new DataAwsIamPolicyDocument(this, "plan-policy-document", { statement: planStatements });
    new IamRolePolicy(this, "plan-policy", { role: this.planRole.id, name: refresh ? "state-locks-secrets" : "state", policy: this.planPolicy.json });

    this.applyRole = new IamRole(this, "apply-role", {
      name: naming.name(props.rolePart, "apply"),
      description: `Applies saved plans of the ${naming.project} stacks, within ${naming.name("apply-boundary")}`,
      assumeRolePolicy: props.applyTrustPolicy,
      permissionsBoundary: props.boundaryArn,
      maxSessionDuration: props.applySessionSeconds,
    });
    new IamRolePolicyAttachment(this, "apply-administrator", { role: this.applyRole.name, policyArn: awsManaged("AdministratorAccess") });
    const applyRuntime = [
      ...(props.runtimeStatements ?? []),
      ...((props.deployRoleArns?.apply.length ?? 0) > 0
        ? [{ sid: "ApplyThroughTheEnvironmentAccountsApplyRoles", actions: ["sts:AssumeRole"], resources: [...props.deployRoleArns!.apply] }]
        : []),
    ];
    if (applyRuntime.length > 0) {
      const runtime = new DataAwsIamPolicyDocument(this, "apply-runtime-document", { statement: applyRuntime });
      new IamRolePolicy(this, "apply-runtime", { role: this.applyRole.id, name: "runtime", policy: runtime.json });
    }
  }
}

export interface ApplyBoundaryProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The roles it caps, kept as they are: default `<prefix>-*` (the pipeline's delivery roles); `<project>-*-deploy-*` in an environment account. */
  readonly deliveryRoleNamePattern?: string;
  /** Deploy roles in other accounts the capped roles may assume (the pipeline into environment accounts). Default: none. */
  readonly assumableRoleArns?: readonly string[];
  /** The state store whose protections no apply may weaken. */
  readonly stateStore: Omit<StateStoreGuard, "partition" | "accountId">;
  /** Boundaries of the environments' roles (`environmentBoundaryNames`): the only ones a role the apply roles create may carry. */
  readonly environmentBoundaryArns: readonly string[];
}

/** IAM actions on users and long-lived credentials; the platform never needs them, an attacker always does. */
const IAM_USER_ACTIONS = [
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

/**
 * The permissions boundary of every delivery role (the apply roles above all): whatever the role's
 * policies grant, it may not weaken or destroy the state store (bucket protections, old versions,
 * the key, the lock table), create IAM users or access keys, create or change a role without one
 * of the platform's boundaries or rewrite those boundaries, pass or assume roles outside the
 * project, or change the delivery roles and this boundary (which would lift every other limit).
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
        ...stateProtectionDenies({ partition: account.partition, accountId: account.accountId, ...props.stateStore }),
        { sid: "NoIamUsersOrAccessKeys", effect: "Deny", actions: IAM_USER_ACTIONS, resources: ["*"] },
        ...roleEscalationDenies({
          partition: account.partition,
          accountId: account.accountId,
          // Not this boundary: a role created with it and AdministratorAccess would be a second apply
          // role, trusted by whoever the creator names, past the approvals.
          allowedBoundaryArns: props.environmentBoundaryArns,
          roleNamePattern: `${naming.project}-*`,
          assumableRoleArns: props.assumableRoleArns,
        }),
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
          resources: [
            account.arn("iam", `role/${props.deliveryRoleNamePattern ?? `${naming.prefix}-*`}`, { regional: false }),
            account.arn("iam", `policy/${naming.prefix}-*`, { regional: false }),
          ],
        },
      ],
    });
    this.policy = new IamPolicy(this, "policy", {
      name,
      description: `Caps the delivery roles of ${naming.project}: the state store stays protected, no IAM users or keys, no unbounded roles, no changes to the delivery roles`,
      policy: document.json,
    });
    this.arn = this.policy.arn;
  }
}
