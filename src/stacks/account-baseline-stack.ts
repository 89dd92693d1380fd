import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { configureBackend } from "../backend/configure-backend";
import { accountStackName, DEFAULT_ACCOUNT_ADMIN_ROLE, PARTITION } from "../config/accounts";
import type { BackendConfig } from "../config/backend-schema";
import type { PlatformEnvironment } from "../config/load";
import { stateKeyAlias } from "../config/state-location";
import { requireTerraformVersion } from "../config/terraform-version";
import { AccountContext } from "../constructs/account/account-context";
import {
  type AppDeliveryEnvironment,
  backendDeployStatements,
  deliveryRoleNames,
  deliveryStepRoleNames,
  frontendPublishStatements,
} from "../constructs/delivery/app-delivery";
import { ApplyBoundary, TerraformRoles } from "../constructs/delivery/terraform-roles";
import { environmentBoundaryNames } from "../constructs/iam/workload-iam-baseline";
import { ACCESS_LOG_BUCKET_SUFFIX } from "../constructs/state/state-store";
import { Naming } from "../naming/naming";

/** The pipeline's Terraform roles in the state account, which plan and apply through the deploy roles. */
export interface PipelineRoles {
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
}

export interface AccountBaselineStackProps {
  readonly project: string;
  readonly state: BackendConfig["state"];
  readonly accountId: string;
  /** The environments of this account (each outside the state account). */
  readonly environments: readonly PlatformEnvironment[];
  /** With a delivery pipeline: its plan and apply roles. */
  readonly pipeline?: PipelineRoles;
  /** Longest apply session: the pipeline's apply build may run this long. */
  readonly applySessionSeconds: number;
  /** With the backend or frontend delivery pipeline: the roles their steps act through here. */
  readonly appDelivery?: { readonly backend: boolean; readonly frontend: boolean; readonly pipelineAccountId: string; readonly environments: readonly string[] };
}

/**
 * `account-<id>`: what an environment account needs before its environments can be deployed into
 * it from the state account: per environment a plan role (the reads refresh makes, its own state,
 * its locks) and an apply role (AdministratorAccess inside this account's copy of the delivery
 * boundary), trusted by the pipeline's matching role and by the people the environment names.
 * Applied once per account by an administrator, through `state.adminRoleName` of that account,
 * with its state in the state bucket.
 */
export class AccountBaselineStack extends TerraformStack {
  readonly boundary: ApplyBoundary;
  readonly roles: ReadonlyMap<string, TerraformRoles>;

  constructor(scope: Construct, props: AccountBaselineStackProps) {
    super(scope, accountStackName(props.accountId));
    const { project, state, accountId } = props;
    if (!state.accountId) throw new Error(`${accountStackName(accountId)}: backend.config.json state.accountId is required for environments in other accounts`);
    configureBackend(
      this,
      { type: "s3", bucket: state.bucket, lockTable: state.lockTable, region: state.region, keyPrefix: `${project}/accounts`, encrypt: true, kmsKeyId: stateKeyAlias(state.bucket), useLockfile: false },
      accountId,
    );
    requireTerraformVersion(this);
    const shared = new Naming(project, "deploy");
    new AwsProvider(this, "aws", {
      region: props.environments[0].region,
      allowedAccountIds: [accountId],
      // The administrator works from the state account (where this stack's state is) and reaches in.
      assumeRole: [{ roleArn: `arn:${PARTITION}:iam::${accountId}:role/${state.adminRoleName ?? DEFAULT_ACCOUNT_ADMIN_ROLE}`, sessionName: `${project}-account-baseline` }],
      defaultTags: [{ tags: shared.tags("account") }],
    });
    const account = new AccountContext(this, "account");

    this.boundary = new ApplyBoundary(this, "apply-boundary", {
      naming: shared,
      account,
      deliveryRoleNamePattern: `${project}-*-deploy-*`,
      stateStore: { buckets: [state.bucket, `${state.bucket}${ACCESS_LOG_BUCKET_SUFFIX}`], lockTableArns: [], stateKeys: [] },
      environmentBoundaryArns: props.environments.flatMap((environment) =>
        Object.values(environmentBoundaryNames(new Naming(project, environment.name))).map((name) => `arn:${PARTITION}:iam::${accountId}:policy/${name}`),
      ),
    });

    const roles = new Map<string, TerraformRoles>();
    for (const environment of props.environments) {
      const deployment = environment.deployment;
      if (!deployment || deployment.accountId !== accountId) throw new Error(`${accountStackName(accountId)}: environment ${environment.name} does not run in this account`);
      if (environment.backend.type !== "s3") throw new Error(`${accountStackName(accountId)}: environment ${environment.name} keeps its state in Terraform Cloud; deploy roles are for S3 state`);
      const people = deployment.deployers;
      const trust = (id: string, pipelineRole: string | undefined) => {
        const principals = [...(pipelineRole ? [pipelineRole] : []), ...people];
        if (principals.length === 0) {
          throw new Error(
            `environments/${environment.name}.json: deployers: nobody could assume ${environment.name}'s deploy roles in account ${accountId}; name the people (IAM role or user ARNs) or add a delivery pipeline`,
          );
        }
        // The account roots, narrowed to the named principals: a trust policy naming a principal
        // that does not exist yet is refused, and the pipeline's roles may come later.
        const roots = [...new Set(principals.map((arn) => `arn:${PARTITION}:iam::${arn.split(":")[4]}:root`))];
        return new DataAwsIamPolicyDocument(this, id, {
          statement: [
            {
              sid: "ThePipelineAndTheNamedPeople",
              actions: ["sts:AssumeRole"],
              principals: [{ type: "AWS", identifiers: roots }],
              condition: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: principals }],
            },
          ],
        }).json;
      };
      roles.set(
        environment.name,
        new TerraformRoles(this, `${environment.name}-deploy`, {
          naming: new Naming(project, environment.name),
          account,
          rolePart: "deploy",
          planTrustPolicy: trust(`${environment.name}-plan-trust`, props.pipeline?.planRoleArn),
          applyTrustPolicy: trust(`${environment.name}-apply-trust`, props.pipeline?.applyRoleArn),
          planMode: "refresh",
          states: [{ bucket: environment.backend.bucket, region: environment.backend.region, keyPrefix: environment.backend.keyPrefix, useLockfile: true, kmsKeyId: environment.backend.kmsKeyId }],
          // The state key's ARN is known only once bootstrap is applied: any key of the state
          // account and region here; the state key's policy is what admits these roles, through S3 only.
          stateKmsKeyArns: [`arn:${PARTITION}:kms:${state.region}:${deployment.stateAccountId}:key/*`],
          regions: [environment.region],
          boundaryArn: this.boundary.arn,
          applySessionSeconds: props.applySessionSeconds,
        }),
      );
      if (props.appDelivery?.environments.includes(environment.name)) this.deliveryRoles(project, environment, props.appDelivery, account);
      new TerraformOutput(this, `${environment.name}_deploy_roles`, {
        value: { plan: roles.get(environment.name)!.planRole.arn, apply: roles.get(environment.name)!.applyRole.arn },
        description: `Plan and apply ${environment.name} through these roles.`,
      });
    }
    this.roles = roles;
  }

  /**
   * The roles the backend and frontend pipelines' steps for this environment act through: the same
   * grants a step has when the environment shares the pipeline's account, trusted only by that
   * step's role in the pipeline account, inside this account's delivery boundary.
   */
  private deliveryRoles(
    project: string,
    environment: PlatformEnvironment,
    delivery: NonNullable<AccountBaselineStackProps["appDelivery"]>,
    account: AccountContext,
  ): void {
    const target: AppDeliveryEnvironment = {
      name: environment.name,
      region: environment.region,
      accountId: environment.accountId,
      compute: environment.compute,
      domainName: environment.domain?.name,
      kmsKey: environment.features.kmsKey,
    };
    const names = deliveryRoleNames(project, environment.name);
    const steps = deliveryStepRoleNames(project, environment.name);
    const create = (id: string, name: string, stepRole: string, description: string, statements: DataAwsIamPolicyDocumentStatement[]) => {
      const stepRoleArn = `arn:${PARTITION}:iam::${delivery.pipelineAccountId}:role/${stepRole}`;
      const trust = new DataAwsIamPolicyDocument(this, `${id}-trust`, {
        statement: [
          {
            sid: "ThePipelinesStepForThisEnvironment",
            actions: ["sts:AssumeRole"],
            principals: [{ type: "AWS", identifiers: [`arn:${PARTITION}:iam::${delivery.pipelineAccountId}:root`] }],
            condition: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: [stepRoleArn] }],
          },
        ],
      });
      const role = new IamRole(this, id, { name, description, assumeRolePolicy: trust.json, permissionsBoundary: this.boundary.arn, maxSessionDuration: 3600 });
      const policy = new DataAwsIamPolicyDocument(this, `${id}-policy-document`, { statement: statements });
      new IamRolePolicy(this, `${id}-policy`, { role: role.id, name: "delivery", policy: policy.json });
    };
    if (delivery.backend && (environment.compute.kind === "ecs" || environment.compute.packaging === "image")) {
      create(`${environment.name}-backend-deploy`, names.backendDeploy, steps.backendDeploy, `Rolls ${project}-${environment.name}'s API to a new image for the backend pipeline`, backendDeployStatements(project, target, account));
    }
    if (delivery.frontend) {
      create(`${environment.name}-frontend-publish`, names.frontendPublish, steps.frontendPublish, `Publishes ${project}-${environment.name}'s site for the frontend pipeline`, frontendPublishStatements(project, target, account));
    }
  }
}
