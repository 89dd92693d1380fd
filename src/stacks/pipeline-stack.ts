import { DataAwsKmsAlias } from "@cdktf/provider-aws/lib/data-aws-kms-alias";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { configureBackend } from "../backend/configure-backend";
import { stateKeyAlias } from "../config/state-location";
import type { BackendConfig } from "../config/backend-schema";
import type { DeliveryConfig } from "../config/delivery-schema";
import type { PlatformEnvironment } from "../config/load";
import { AccountContext } from "../constructs/account/account-context";
import { AlertTopic } from "../constructs/alerting/alert-topic";
import { type AppDeliveryEnvironment, BackendPipeline, deliveryRoleNames, FrontendPipeline } from "../constructs/delivery/app-delivery";
import { ArtifactStore } from "../constructs/delivery/artifact-store";
import { BuildProjects, buildRuntimeStatements } from "../constructs/delivery/build-projects";
import { GithubOidc } from "../constructs/delivery/github-oidc";
import { InfrastructurePipeline } from "../constructs/delivery/infrastructure-pipeline";
import { ApplyBoundary, type StateLocation, TerraformRoles } from "../constructs/delivery/terraform-roles";
import { environmentBoundaryNames } from "../constructs/iam/workload-iam-baseline";
import { LogRetentionDefault } from "../constructs/logging/log-retention-default";
import { ACCESS_LOG_BUCKET_SUFFIX } from "../constructs/state/state-store";
import { Naming } from "../naming/naming";
import { PARTITION } from "../config/accounts";
import { requireTerraformVersion } from "../config/terraform-version";
import { assumedBy } from "../constructs/iam/assumed-by";

export const PIPELINE_STACK = "pipeline";
/** The pipeline's names start `<project>-delivery-`; its tags say environment and layer "delivery". */
export const DELIVERY = "delivery";

/** The pipeline's Terraform roles (`TerraformRoles` with rolePart "build"), which environment accounts' deploy roles trust. */
export function pipelineBuildRoleArns(project: string, accountId: string): { planRoleArn: string; applyRoleArn: string } {
  const naming = new Naming(project, DELIVERY);
  return { planRoleArn: `arn:${PARTITION}:iam::${accountId}:role/${naming.name("build", "plan")}`, applyRoleArn: `arn:${PARTITION}:iam::${accountId}:role/${naming.name("build", "apply")}` };
}
/**
 * The apply roles' longest session, and the apply build's timeout: a first apply of an environment
 * (Aurora, CloudFront, NAT, the cache) can take well over the default hour, and a state write after
 * the credentials expire leaves the state behind on a throwaway runner.
 */
export const APPLY_SESSION_SECONDS = 4 * 3600;

export interface PipelineStackProps {
  readonly project: string;
  /** The bootstrap state store: the pipeline keeps its own state there, and plans read states encrypted with its key. */
  readonly state: BackendConfig["state"];
  readonly delivery: DeliveryConfig;
  /** Every configured environment; the pipeline promotes through `delivery.environments`, in that order. */
  readonly environments: readonly PlatformEnvironment[];
}

/**
 * `pipeline`: CodePipeline and CodeBuild that synthesize, plan, wait for approval and apply every
 * `<layer>-<environment>` stack in promotion order, the roles they run as, and (optionally) the
 * GitHub Actions OIDC roles that run the same scripts.
 */
export class PipelineStack extends TerraformStack {
  readonly naming: Naming;
  readonly account: AccountContext;
  readonly artifacts: ArtifactStore;
  readonly builds: BuildProjects;
  readonly buildRoles: TerraformRoles;
  readonly boundary: ApplyBoundary;
  readonly pipeline: InfrastructurePipeline;
  readonly alertTopicArn: string;
  readonly github?: GithubOidc;
  /** With `backend.enabled`: API image → ECR → Lambda or ECS, per environment. */
  readonly backend?: BackendPipeline;
  /** With `frontend.enabled`: SPA → site bucket → CloudFront invalidation, per environment. */
  readonly frontend?: FrontendPipeline;

  constructor(scope: Construct, props: PipelineStackProps) {
    super(scope, PIPELINE_STACK);
    const { project, state, delivery } = props;
    if (state.accountId && delivery.accountId && state.accountId !== delivery.accountId) {
      throw new Error(
        `delivery.config.json: accountId: ${delivery.accountId} is not the state account ${state.accountId} (backend.config.json state.accountId); the pipeline keeps its state in the state bucket and reaches the environment accounts from there: run it in the state account`,
      );
    }
    const naming = new Naming(project, DELIVERY);
    this.naming = naming;
    configureBackend(
      this,
      {
        type: "s3",
        bucket: state.bucket,
        lockTable: state.lockTable,
        region: state.region,
        keyPrefix: project,
        encrypt: true,
        kmsKeyId: stateKeyAlias(state.bucket),
        useLockfile: false,
      },
      PIPELINE_STACK,
    );
    requireTerraformVersion(this);
    new AwsProvider(this, "aws", {
      region: delivery.region,
      allowedAccountIds: delivery.accountId ? [delivery.accountId] : undefined,
      defaultTags: [{ tags: naming.tags(DELIVERY) }],
    });
    Aspects.of(this).add(new LogRetentionDefault(90));
    const account = new AccountContext(this, "account");
    this.account = account;

    const promoted = delivery.environments.map((name) => {
      const environment = props.environments.find((candidate) => candidate.name === name);
      if (!environment) throw new Error(`delivery.config.json names environment "${name}", which has no environments/${name}.json`);
      return environment;
    });
    const states: StateLocation[] = promoted.map(({ name, backend }) => {
      if (backend.type !== "s3") {
        throw new Error(
          `environment "${name}" keeps its state in Terraform Cloud; run it from its workspaces, or remove it from delivery.config.json "environments"`,
        );
      }
      return {
        bucket: backend.bucket,
        region: backend.region,
        keyPrefix: backend.keyPrefix,
        lockTable: backend.lockTable,
        useLockfile: backend.useLockfile,
        kmsKeyId: backend.kmsKeyId,
      };
    });
    const stateKmsKeyArns = stateKeyArns(this, naming, delivery.region, [
      { kmsKeyId: stateKeyAlias(state.bucket), region: state.region },
      ...states.map((location) => ({ kmsKeyId: location.kmsKeyId, region: location.region })),
    ]);

    this.artifacts = new ArtifactStore(this, "artifacts", { naming, account });
    this.alertTopicArn = new AlertTopic(this, "events", {
      name: naming.name("pipeline-events"),
      emails: delivery.alertEmails,
      account,
      kmsKeyArn: this.artifacts.kmsKeyArn,
    }).arn;

    const stateBuckets = [state.bucket, ...states.map((location) => location.bucket)];
    const lockTableArn = (region: string, table: string) => `arn:${account.partition}:dynamodb:${region}:${account.accountId}:table/${table}`;
    this.boundary = new ApplyBoundary(this, "apply-boundary", {
      naming,
      account,
      stateStore: {
        buckets: [...stateBuckets, ...stateBuckets.map((bucket) => `${bucket}${ACCESS_LOG_BUCKET_SUFFIX}`)],
        lockTableArns: [
          lockTableArn(state.region, state.lockTable),
          ...states.flatMap((location) => (location.lockTable ? [lockTableArn(location.region, location.lockTable)] : [])),
        ],
        stateKeys: [stateKeyAlias(state.bucket), ...states.map((location) => location.kmsKeyId)],
      },
      // The environment accounts' deploy roles: the pipeline plans and applies those environments through them.
      // The project's roles in the environment accounts (deploy roles, the delivery steps' roles), one
      // pattern per account: the boundary is a managed policy, at most 6,144 characters.
      assumableRoleArns: [...new Set(promoted.flatMap((environment) => (environment.deployment ? [environment.deployment.accountId] : [])))].map(
        (accountId) => `arn:${PARTITION}:iam::${accountId}:role/${project}-*`,
      ),
      environmentBoundaryArns: promoted.flatMap((environment) =>
        Object.values(environmentBoundaryNames(new Naming(project, environment.name))).map(
          (name) => `arn:${account.partition}:iam::${environment.accountId ?? account.accountId}:policy/${name}`,
        ),
      ),
    });
    const regions = [...new Set(promoted.map((environment) => environment.region))];
    // CodeBuild of this account only (confused deputy): both build roles are assumed by the builds.
    const codeBuildTrust = assumedBy(this, "codebuild-trust", account, "codebuild", "CodeBuildOfThisAccount");
    this.buildRoles = new TerraformRoles(this, "build-roles", {
      naming,
      account,
      rolePart: "build",
      planTrustPolicy: codeBuildTrust,
      applyTrustPolicy: codeBuildTrust,
      states,
      stateKmsKeyArns,
      planMode: "refresh",
      regions,
      boundaryArn: this.boundary.arn,
      applySessionSeconds: APPLY_SESSION_SECONDS,
      runtimeStatements: buildRuntimeStatements({ account, naming, artifactBucketArn: this.artifacts.bucketArn, kmsKeyArn: this.artifacts.kmsKeyArn }),
      deployRoleArns: {
        plan: promoted.flatMap((environment) => (environment.deployment ? [environment.deployment.planRoleArn] : [])),
        apply: promoted.flatMap((environment) => (environment.deployment ? [environment.deployment.applyRoleArn] : [])),
      },
    });

    this.builds = new BuildProjects(this, "builds", {
      naming,
      account,
      kmsKeyArn: this.artifacts.kmsKeyArn,
      artifactBucketArn: this.artifacts.bucketArn,
      terraform: delivery.terraform,
      planRoleArn: this.buildRoles.planRole.arn,
      applyRoleArn: this.buildRoles.applyRole.arn,
      applyTimeoutMinutes: APPLY_SESSION_SECONDS / 60,
      boundaryArn: this.boundary.arn,
    });

    this.pipeline = new InfrastructurePipeline(this, "infrastructure", {
      naming,
      account,
      boundaryArn: this.boundary.arn,
      environments: delivery.environments,
      deployRoles: Object.fromEntries(
        promoted.flatMap((environment) => (environment.deployment ? [[environment.name, { plan: environment.deployment.planRoleArn, apply: environment.deployment.applyRoleArn }]] : [])),
      ),
      approvalBefore: delivery.approvalBefore,
      projects: {
        synth: { name: this.builds.projects.synth.name, arn: this.builds.projects.synth.arn },
        plan: { name: this.builds.projects.plan.name, arn: this.builds.projects.plan.arn },
        apply: { name: this.builds.projects.apply.name, arn: this.builds.projects.apply.arn },
      },
      connectionArn: delivery.connectionArn,
      repository: delivery.repository,
      branch: delivery.branch,
      artifactBucketName: this.artifacts.bucketName,
      artifactBucketArn: this.artifacts.bucketArn,
      kmsKeyArn: this.artifacts.kmsKeyArn,
      notificationTopicArn: this.alertTopicArn,
    });

    if (delivery.backend.enabled || delivery.frontend.enabled) {
      const targets: AppDeliveryEnvironment[] = promoted.map((environment) => {
        const deployment = environment.deployment;
        const roles = deliveryRoleNames(project, environment.name);
        return {
          name: environment.name,
          region: environment.region,
          accountId: environment.accountId,
          compute: { kind: environment.compute.kind, packaging: environment.compute.packaging, runtime: environment.compute.runtime },
          domainName: environment.domain?.name,
          kmsKey: environment.features.kmsKey,
          ...(deployment
            ? {
                deliveryRoleArns: {
                  backendDeploy: `arn:${PARTITION}:iam::${deployment.accountId}:role/${roles.backendDeploy}`,
                  frontendPublish: `arn:${PARTITION}:iam::${deployment.accountId}:role/${roles.frontendPublish}`,
                },
              }
            : {}),
        };
      });
      const shared = {
        naming,
        account,
        boundaryArn: this.boundary.arn,
        environments: targets,
        approvalBefore: delivery.approvalBefore,
        // The same connection as the infrastructure pipeline: one confirmation in the console covers all three.
        connectionArn: this.pipeline.connectionArn,
        repository: delivery.repository,
        branch: delivery.branch,
        artifactBucketName: this.artifacts.bucketName,
        artifactBucketArn: this.artifacts.bucketArn,
        kmsKeyArn: this.artifacts.kmsKeyArn,
        notificationTopicArn: this.alertTopicArn,
      };
      if (delivery.backend.enabled) {
        this.backend = new BackendPipeline(this, "backend-delivery", shared);
        new TerraformOutput(this, "backend_pipeline_name", { value: this.backend.pipeline.name });
      }
      if (delivery.frontend.enabled) {
        this.frontend = new FrontendPipeline(this, "frontend-delivery", { ...shared, buildCommand: delivery.frontend.buildCommand, outputDir: delivery.frontend.outputDir });
        new TerraformOutput(this, "frontend_pipeline_name", { value: this.frontend.pipeline.name });
      }
    }

    if (delivery.githubOidc.enabled) {
      const elsewhere = promoted.filter((environment) => environment.deployment).map((environment) => environment.name);
      if (elsewhere.length > 0) {
        throw new Error(
          `delivery.config.json: githubOidc: the GitHub workflow's roles work in the state account, and ${elsewhere.join(", ")} run${elsewhere.length === 1 ? "s" : ""} in other accounts, whose deploy roles trust only the pipeline and the named deployers; set "githubOidc": {"enabled": false} or keep those environments out of "environments"`,
        );
      }
      this.github = new GithubOidc(this, "github", {
        naming,
        account,
        repository: delivery.repository,
        states,
        stateKmsKeyArns,
        regions,
        boundaryArn: this.boundary.arn,
        applySessionSeconds: APPLY_SESSION_SECONDS,
      });
      new TerraformOutput(this, "github_plan_role_arn", { value: this.github.roles.planRole.arn, description: "AWS_PLAN_ROLE_ARN of .github/workflows/infrastructure.yml" });
      new TerraformOutput(this, "github_apply_role_arn", { value: this.github.roles.applyRole.arn, description: "AWS_APPLY_ROLE_ARN of .github/workflows/infrastructure.yml" });
    }

    new TerraformOutput(this, "pipeline_name", { value: this.pipeline.pipeline.name });
    new TerraformOutput(this, "artifact_bucket", { value: this.artifacts.bucketName });
    new TerraformOutput(this, "pipeline_events_topic_arn", { value: this.alertTopicArn, description: "Failures, successes and approvals waiting." });
    new TerraformOutput(this, "connection_arn", {
      value: this.pipeline.connectionArn,
      description: this.pipeline.connection
        ? "Created PENDING: confirm it once in the console (Developer Tools > Settings > Connections > Update pending connection) before the first run"
        : "The existing connection from delivery.config.json",
    });
    if (this.pipeline.connection) {
      new TerraformOutput(this, "connection_status", {
        value: this.pipeline.connection.connectionStatus,
        description: "PENDING until a human confirms the GitHub connection in the console; the Source stage fails until then.",
      });
    }
  }
}

/**
 * The key ARNs behind the keys the backends name. IAM authorizes KMS use on the key's ARN, never on
 * an alias, so every alias (name or ARN) is looked up, in its own region.
 */
function stateKeyArns(stack: TerraformStack, naming: Naming, stackRegion: string, keys: readonly { kmsKeyId: string; region: string }[]): string[] {
  const providers = new Map<string, AwsProvider | undefined>([[stackRegion, undefined]]);
  const providerFor = (region: string) => {
    if (!providers.has(region)) {
      providers.set(region, new AwsProvider(stack, `aws-state-${region}`, { alias: `state_${region.replace(/-/g, "_")}`, region, defaultTags: [{ tags: naming.tags(DELIVERY) }] }));
    }
    return providers.get(region);
  };
  const arns = new Map<string, string>();
  for (const { kmsKeyId, region } of keys) {
    if (arns.has(kmsKeyId)) continue;
    const aliasArn = /^arn:[^:]+:kms:([^:]+):\d{12}:(alias\/.+)$/.exec(kmsKeyId);
    if (!kmsKeyId.startsWith("alias/") && !aliasArn) {
      arns.set(kmsKeyId, kmsKeyId);
      continue;
    }
    const [name, aliasRegion] = aliasArn ? [aliasArn[2], aliasArn[1]] : [kmsKeyId, region];
    const lookup = new DataAwsKmsAlias(stack, `state-key-${arns.size}`, { name, provider: providerFor(aliasRegion) });
    arns.set(kmsKeyId, lookup.targetKeyArn);
  }
  return [...new Set(arns.values())];
}
