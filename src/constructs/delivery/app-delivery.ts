import { Codepipeline, type CodepipelineStage, type CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { CodebuildProject, type CodebuildProjectEnvironmentEnvironmentVariable } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { CONTAINER_NAME } from "../containers/container-service";
import { ECR_PUSH_ACTIONS } from "../registry/image-repository";
import { BUILD_IMAGE, buildLogGroupName, buildRuntimeStatements } from "./build-projects";
import { githubSourceStage, PIPELINE_EVENTS } from "./infrastructure-pipeline";
import { assumedBy } from "../iam/assumed-by";

/** Docker builds the arm64 API image natively on Graviton: no emulation, the image matches the functions. */
export const ARM_BUILD_IMAGE = "aws/codebuild/amazonlinux-aarch64-standard:3.0";

/** What the delivery pipelines need to know about one environment they deliver to. */
export interface AppDeliveryEnvironment {
  /** e.g. `stage`; names are `<project>-<name>-...`. */
  readonly name: string;
  readonly region: string;
  /** The environment's account. Default: the pipeline's own (the pipelines deploy only within it). */
  readonly accountId?: string;
  /** How the environment runs its API: only image-packaged functions and ECS take images. */
  readonly compute: { readonly kind: "lambda" | "ecs"; readonly packaging: "zip" | "image"; readonly runtime: "python" | "node" };
  /** The site's own domain; without one the health check looks the distribution's domain up by its comment. */
  readonly domainName?: string;
  /** True when the environment encrypts its buckets with its own key (`alias/<project>-<env>`). */
  readonly kmsKey: boolean;
  /**
   * Present when the environment runs in another account: its steps act there through these roles
   * of that account (`account-<id>` creates them with `backendDeployStatements` and
   * `frontendPublishStatements`), and the pipeline's step roles may only assume them.
   */
  readonly deliveryRoleArns?: { readonly backendDeploy: string; readonly frontendPublish: string };
}

export interface AppDeliveryProps {
  /** The delivery naming (`<project>-delivery`): pipeline, project and role names. */
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The delivery permissions boundary (ApplyBoundary): every delivery role carries it. */
  readonly boundaryArn: string;
  /** Environments in promotion order. */
  readonly environments: readonly AppDeliveryEnvironment[];
  /** Environments whose deploy or publish waits for a manual approval. */
  readonly approvalBefore: readonly string[];
  readonly connectionArn: string;
  readonly repository: string;
  readonly branch: string;
  readonly artifactBucketName: string;
  readonly artifactBucketArn: string;
  /** The pipeline key: artifacts, build logs. */
  readonly kmsKeyArn: string;
  /** Failures, successes and approvals waiting are reported here. */
  readonly notificationTopicArn: string;
}

export interface FrontendDeliveryProps extends AppDeliveryProps {
  /** Builds the SPA into `outputDir`. Default: `scripts/ci/frontend-build.sh` copies and fingerprints `site/`. */
  readonly buildCommand?: string;
  /** Where the build leaves the site, relative to the repository. Default `dist/site`. */
  readonly outputDir?: string;
}

/** The names of one environment's delivery targets, as the app and infra layers create them. */
export function environmentTargets(project: string, environment: AppDeliveryEnvironment, account: AccountContext) {
  const naming = new Naming(project, environment.name);
  const accountId = environment.accountId ?? account.accountId;
  const arn = (service: string, resource: string, regional = true) =>
    `arn:${account.partition}:${service}:${regional ? environment.region : ""}:${accountId}:${resource}`;
  const repositoryName = naming.name("api");
  return {
    naming,
    arn,
    repositoryName,
    repositoryArn: arn("ecr", `repository/${repositoryName}`),
    repositoryUri: `${accountId}.dkr.ecr.${environment.region}.${account.dnsSuffix}/${repositoryName}`,
    functionName: naming.name("api"),
    clusterName: naming.name("cluster"),
    serviceName: naming.name("api"),
    taskFamily: naming.name("api"),
    taskRoleNames: [naming.name("api-task"), naming.name("api-task-execution")],
    siteBucket: `${naming.name("site")}-${accountId}`,
    /** SiteDistribution's comment: how the scripts find the distribution without coupling to the infra state. */
    distributionComment: `${naming.prefix} site and API`,
    keyAlias: `alias/${naming.prefix}`,
  };
}

/** True when the backend pipeline rolls this environment's API to new images (zip functions ship with `app-<env>`). */
export const takesImages = (environment: AppDeliveryEnvironment) => environment.compute.kind === "ecs" || environment.compute.packaging === "image";

const plain = (variables: Record<string, string>): CodebuildProjectEnvironmentEnvironmentVariable[] =>
  Object.entries(variables).map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));

/** A buildspec whose phases are one script call each, and what the next stage receives. */
export function appBuildspec(commands: readonly string[], artifacts: readonly string[] = []): string {
  const lines = ["version: 0.2", "phases:", "  build:", "    commands:", ...commands.map((command) => `      - bash scripts/ci/${command}`)];
  if (artifacts.length > 0) lines.push("artifacts:", "  files:", ...artifacts.map((file) => `    - "${file}"`));
  return `${lines.join("\n")}\n`;
}

interface StepProps {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly buildspec: string;
  readonly variables: Record<string, string>;
  readonly statements: DataAwsIamPolicyDocumentStatement[];
  readonly arm?: boolean;
  readonly privileged?: boolean;
  readonly timeoutMinutes?: number;
}

/**
 * The parts the backend and frontend pipelines share: one CodeBuild project and role per step (a
 * deploy role per environment, so a stage build can touch only its environment), the pipeline's own
 * role, the pipeline and its notifications.
 */
abstract class DeliveryPipeline extends Construct {
  readonly pipeline: Codepipeline;
  readonly role: IamRole;
  /** Every CodeBuild project of this pipeline, by step: `build`, `deploy-<env>` or `publish-<env>`. */
  readonly projects: Record<string, CodebuildProject> = {};
  /** Every build role, by the same keys. */
  readonly buildRoles: Record<string, IamRole> = {};
  protected readonly props: AppDeliveryProps;
  private readonly trust: string;

  protected constructor(scope: Construct, id: string, props: AppDeliveryProps, kind: "backend" | "frontend", stages: (self: DeliveryPipeline) => CodepipelineStage[]) {
    super(scope, id);
    this.props = props;
    const { naming, account } = props;
    this.trust = assumedBy(this, "codebuild-trust", account, "codebuild", "CodeBuildOfThisAccount");
    const stageList = stages(this);

    const trust = assumedBy(this, "pipeline-trust", account, "codepipeline", "CodePipelineOfThisAccount");
    this.role = new IamRole(this, "pipeline-role", {
      name: naming.name(kind, "pipeline"),
      permissionsBoundary: props.boundaryArn,
      description: `Runs the ${naming.prefix} ${kind} pipeline: starts its builds, uses the GitHub connection and the artifact bucket`,
      assumeRolePolicy: trust,
    });
    const policy = new DataAwsIamPolicyDocument(this, "pipeline-policy-document", {
      statement: [
        {
          sid: "RunTheBuilds",
          actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"],
          resources: Object.values(this.projects).map((project) => project.arn),
        },
        { sid: "UseTheGitHubConnection", actions: ["codestar-connections:UseConnection", "codeconnections:UseConnection"], resources: [props.connectionArn] },
        { sid: "ReadAndWriteArtifacts", actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], resources: [`${props.artifactBucketArn}/*`] },
        { sid: "LocateArtifactBucket", actions: ["s3:GetBucketVersioning", "s3:GetBucketLocation"], resources: [props.artifactBucketArn] },
        { sid: "UsePipelineKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], resources: [props.kmsKeyArn] },
      ],
    });
    new IamRolePolicy(this, "pipeline-policy", { role: this.role.id, name: "builds-connection-artifacts", policy: policy.json });

    this.pipeline = new Codepipeline(this, "pipeline", {
      name: naming.name(kind),
      pipelineType: "V2",
      // Releases go out one at a time, in commit order: a newer run waits rather than overtakes.
      executionMode: "QUEUED",
      roleArn: this.role.arn,
      artifactStore: [{ type: "S3", location: props.artifactBucketName, encryptionKey: { id: props.kmsKeyArn, type: "KMS" } }],
      stage: stageList,
    });
    new CodestarnotificationsNotificationRule(this, "notifications", {
      name: naming.name(kind, "events"),
      resource: this.pipeline.arn,
      detailType: "FULL",
      eventTypeIds: PIPELINE_EVENTS,
      target: [{ address: props.notificationTopicArn, type: "SNS" }],
    });
  }

  /** One CodeBuild project with its own role: the pipeline's logs, artifacts and key, plus `statements`. */
  protected step(key: string, step: StepProps): CodebuildProject {
    const { naming, account } = this.props;
    const role = new IamRole(this, `${step.id}-role`, {
      name: step.name,
      permissionsBoundary: this.props.boundaryArn,
      description: step.description,
      assumeRolePolicy: this.trust,
    });
    const document = new DataAwsIamPolicyDocument(this, `${step.id}-policy-document`, {
      statement: [
        ...buildRuntimeStatements({ account, naming, artifactBucketArn: this.props.artifactBucketArn, kmsKeyArn: this.props.kmsKeyArn }),
        ...step.statements,
      ],
    });
    new IamRolePolicy(this, `${step.id}-policy`, { role: role.id, name: "delivery", policy: document.json });
    const project = new CodebuildProject(this, step.id, {
      name: step.name,
      description: step.description,
      serviceRole: role.arn,
      encryptionKey: this.props.kmsKeyArn,
      buildTimeout: step.timeoutMinutes ?? 30,
      source: { type: "CODEPIPELINE", buildspec: step.buildspec },
      artifacts: { type: "CODEPIPELINE" },
      environment: {
        type: step.arm ? "ARM_CONTAINER" : "LINUX_CONTAINER",
        image: step.arm ? ARM_BUILD_IMAGE : BUILD_IMAGE,
        // esbuild bundling needs more than the small instance's 3 GB (see BuildProjects' synth).
        computeType: step.arm ? "BUILD_GENERAL1_LARGE" : "BUILD_GENERAL1_SMALL",
        imagePullCredentialsType: "CODEBUILD",
        // Only the image build runs Docker, which needs the privileged daemon.
        privilegedMode: step.privileged ?? false,
        environmentVariable: plain(step.variables),
      },
      logsConfig: {
        cloudwatchLogs: { groupName: buildLogGroupName(naming), streamName: step.name, status: "ENABLED" },
        s3Logs: { status: "DISABLED" },
      },
    });
    this.projects[key] = project;
    this.buildRoles[key] = role;
    return project;
  }

  protected static buildAction(name: string, project: CodebuildProject, input: string, output?: string, runOrder = 1): CodepipelineStageAction {
    return {
      name,
      category: "Build",
      owner: "AWS",
      provider: "CodeBuild",
      version: "1",
      runOrder,
      inputArtifacts: [input],
      outputArtifacts: output ? [output] : undefined,
      configuration: { ProjectName: project.name },
    };
  }

  /** One stage per environment in promotion order: an approval first where `approvalBefore` asks for it. */
  protected environmentStage(prefix: string, environment: string, action: (runOrder: number) => CodepipelineStageAction, what: string): CodepipelineStage {
    const approve = this.props.approvalBefore.includes(environment);
    const actions: CodepipelineStageAction[] = [];
    if (approve) {
      actions.push({
        name: "Approve",
        category: "Approval",
        owner: "AWS",
        provider: "Manual",
        version: "1",
        runOrder: 1,
        configuration: { CustomData: `Approve to ${what} ${environment}: the same build the environments before it received and passed.` },
      });
    }
    actions.push(action(approve ? 2 : 1));
    return { name: `${prefix}-${environment}`, action: actions };
  }
}

/**
 * The backend pipeline: Source → Build (the arm64 API image, app/Dockerfile for the Python app or
 * Dockerfile.api for the TypeScript handlers, pushed under the
 * commit id to the ECR repository of every environment that runs images, its digest as the
 * artifact) → per environment in promotion order, Deploy (the API to that digest, then /api/health
 * until it answers 200), behind a manual approval where `approvalBefore` asks for one. Environments
 * whose API is a zip function are left out: `app-<env>` of the infrastructure pipeline ships them.
 */
export class BackendPipeline extends DeliveryPipeline {
  /** The environments the pipeline deploys to, in order. */
  readonly deployedEnvironments: readonly string[];

  constructor(scope: Construct, id: string, props: AppDeliveryProps) {
    const deployed = props.environments.filter(takesImages);
    if (deployed.length === 0) {
      throw new Error(
        `BackendPipeline: no environment of ${props.environments.map((e) => e.name).join(", ")} runs the API from an image (compute.packaging "image" or compute.kind "ecs"); zip functions are deployed by the infrastructure pipeline, so disable "backend" in delivery.config.json`,
      );
    }
    const runtimes = [...new Set(deployed.map((environment) => environment.compute.runtime))];
    if (runtimes.length > 1) {
      throw new Error(
        `BackendPipeline: it builds one image for every environment it deploys, but ${deployed.map((e) => `${e.name} runs ${e.compute.runtime}`).join(", ")}; give them the same compute.runtime`,
      );
    }
    super(scope, id, props, "backend", (self) => BackendPipeline.layout(self as BackendPipeline, props, deployed, runtimes[0]));
    this.deployedEnvironments = deployed.map((environment) => environment.name);
  }

  private static layout(self: BackendPipeline, props: AppDeliveryProps, deployed: readonly AppDeliveryEnvironment[], runtime: "python" | "node"): CodepipelineStage[] {
    const { naming, account } = props;
    const targets = deployed.map((environment) => ({ environment, target: environmentTargets(naming.project, environment, account) }));
    const build = self.step("build", {
      id: "build",
      name: naming.name("backend", "build"),
      description: "Builds the arm64 API image and pushes it to every environment's repository",
      buildspec: appBuildspec(["backend-build.sh"], ["image.env", "scripts/ci/**/*"]),
      variables: {
        IMAGE_REPOSITORIES: targets.map(({ target }) => target.repositoryUri).join(" "),
        RUNTIME: runtime,
        DOCKERFILE: runtime === "python" ? "app/Dockerfile" : "Dockerfile.api",
        PLATFORM: "linux/arm64",
      },
      arm: true,
      privileged: true,
      statements: [
        // Registry login has no resource: the token is useless without the push grants below.
        { sid: "LogInToRegistries", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        {
          sid: "PushToTheEnvironmentRepositories",
          actions: ECR_PUSH_ACTIONS,
          resources: targets.map(({ target }) => target.repositoryArn),
        },
      ],
    });
    const stages: CodepipelineStage[] = [
      githubSourceStage(self.props),
      { name: "Build", action: [DeliveryPipeline.buildAction("Image", build, "source", "image")] },
    ];
    for (const { environment, target } of targets) {
      const ecs = environment.compute.kind === "ecs";
      const runtime: Record<string, string> = ecs
        ? { DEPLOY_TARGET: "ecs", CLUSTER_NAME: target.clusterName, SERVICE_NAME: target.serviceName, TASK_FAMILY: target.taskFamily, CONTAINER_NAME }
        : { DEPLOY_TARGET: "lambda", FUNCTION_NAME: target.functionName };
      const site: Record<string, string> = environment.domainName ? { SITE_URL: `https://${environment.domainName}` } : { DISTRIBUTION_COMMENT: target.distributionComment };
      const project = self.step(`deploy-${environment.name}`, {
        id: `deploy-${environment.name}`,
        name: naming.name("backend", "deploy", environment.name),
        description: `Rolls the ${target.naming.prefix} API to the new image and checks /api/health`,
        buildspec: appBuildspec(["backend-deploy.sh", "backend-check-health.sh"]),
        variables: {
          AWS_REGION: environment.region,
          AWS_DEFAULT_REGION: environment.region,
          REPOSITORY_URI: target.repositoryUri,
          ...runtime,
          ...site,
          ...(environment.deliveryRoleArns ? { DEPLOY_ROLE_ARN: environment.deliveryRoleArns.backendDeploy } : {}),
        },
        // ECS waits for the service to be stable (up to 40 minutes by default).
        timeoutMinutes: ecs ? 60 : 20,
        ...throughEnvironmentRole(environment.deliveryRoleArns?.backendDeploy, () => backendDeployStatements(naming.project, environment, account)),
      });
      stages.push(self.environmentStage("deploy", environment.name, (runOrder) => DeliveryPipeline.buildAction("Deploy", project, "image", undefined, runOrder), "deploy the API image to"));
    }
    return stages;
  }
}

/**
 * The frontend pipeline: Source → Build (`scripts/ci/frontend-build.sh`: `site/`, fingerprinted, or
 * `buildCommand`) → per environment in promotion order, Publish (sync to the site bucket with cache
 * headers, invalidate `/` and `/index.html`), behind a manual approval where `approvalBefore` asks.
 */
export class FrontendPipeline extends DeliveryPipeline {
  constructor(scope: Construct, id: string, props: FrontendDeliveryProps) {
    super(scope, id, props, "frontend", (self) => FrontendPipeline.layout(self as FrontendPipeline, props));
  }

  private static layout(self: FrontendPipeline, props: FrontendDeliveryProps): CodepipelineStage[] {
    const { naming, account } = props;
    const outputDir = props.outputDir ?? "dist/site";
    const build = self.step("build", {
      id: "build",
      name: naming.name("frontend", "build"),
      description: "Builds the single-page app",
      buildspec: appBuildspec(["frontend-build.sh"], [`${outputDir}/**/*`, "scripts/ci/**/*"]),
      variables: { OUTPUT_DIR: outputDir, ...(props.buildCommand ? { BUILD_COMMAND: props.buildCommand } : {}) },
      statements: [],
    });
    const stages: CodepipelineStage[] = [
      githubSourceStage(self.props),
      { name: "Build", action: [DeliveryPipeline.buildAction("Site", build, "source", "site")] },
    ];
    for (const environment of props.environments) {
      const target = environmentTargets(naming.project, environment, account);
      const project = self.step(`publish-${environment.name}`, {
        id: `publish-${environment.name}`,
        name: naming.name("frontend", "publish", environment.name),
        description: `Publishes the site to ${target.siteBucket} and invalidates its entry points`,
        buildspec: appBuildspec(["frontend-publish.sh"]),
        variables: {
          AWS_REGION: environment.region,
          AWS_DEFAULT_REGION: environment.region,
          SITE_BUCKET: target.siteBucket,
          SITE_DIR: outputDir,
          DISTRIBUTION_COMMENT: target.distributionComment,
          ...(environment.deliveryRoleArns ? { DEPLOY_ROLE_ARN: environment.deliveryRoleArns.frontendPublish } : {}),
        },
        timeoutMinutes: 15,
        ...throughEnvironmentRole(environment.deliveryRoleArns?.frontendPublish, () => frontendPublishStatements(naming.project, environment, account)),
      });
      stages.push(self.environmentStage("publish", environment.name, (runOrder) => DeliveryPipeline.buildAction("Publish", project, "site", undefined, runOrder), "publish the site to"));
    }
    return stages;
  }
}

/**
 * A step's grants: its own, or, for an environment in another account, only assuming the role
 * there that holds them (DEPLOY_ROLE_ARN; scripts/ci/deploy-role.sh).
 */
function throughEnvironmentRole(roleArn: string | undefined, statements: () => DataAwsIamPolicyDocumentStatement[]): { statements: DataAwsIamPolicyDocumentStatement[] } {
  return { statements: roleArn ? [{ sid: "ActThroughTheEnvironmentAccountsRole", actions: ["sts:AssumeRole"], resources: [roleArn] }] : statements() };
}

/** What rolling one environment's API to a new image takes: the function, or the ECS service and its task roles, and finding the site. */
export function backendDeployStatements(project: string, environment: AppDeliveryEnvironment, account: AccountContext): DataAwsIamPolicyDocumentStatement[] {
  const target = environmentTargets(project, environment, account);
  const rollout: DataAwsIamPolicyDocumentStatement[] =
    environment.compute.kind === "ecs"
      ? [
          // Neither action takes a resource ARN; PassRole below decides which roles a new revision may carry.
          { sid: "ReadAndRegisterTaskDefinitions", actions: ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"], resources: ["*"] },
          {
            sid: "RollTheService",
            actions: ["ecs:UpdateService", "ecs:DescribeServices"],
            resources: [target.arn("ecs", `service/${target.clusterName}/${target.serviceName}`)],
          },
          {
            sid: "PassOnlyTheTaskRoles",
            actions: ["iam:PassRole"],
            resources: target.taskRoleNames.map((name) => target.arn("iam", `role/${name}`, false)),
            condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: [account.servicePrincipal("ecs-tasks")] }],
          },
        ]
      : [
          {
            sid: "RollTheFunction",
            actions: ["lambda:UpdateFunctionCode", "lambda:GetFunction", "lambda:GetFunctionConfiguration"],
            resources: [target.arn("lambda", `function:${target.functionName}`)],
          },
          // Lambda checks that whoever points a function at an image may read that image.
          { sid: "ReadTheImage", actions: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], resources: [target.repositoryArn] },
        ];
  const lookup: DataAwsIamPolicyDocumentStatement[] = environment.domainName ? [] : [{ sid: "FindTheDistribution", actions: ["cloudfront:ListDistributions"], resources: ["*"] }];
  return [...rollout, ...lookup];
}

/** What publishing the site to one environment takes: its bucket (and key through S3), and invalidating its distribution. */
export function frontendPublishStatements(project: string, environment: AppDeliveryEnvironment, account: AccountContext): DataAwsIamPolicyDocumentStatement[] {
  const target = environmentTargets(project, environment, account);
  const bucketArn = `arn:${account.partition}:s3:::${target.siteBucket}`;
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    { sid: "ListTheSiteBucket", actions: ["s3:ListBucket"], resources: [bucketArn] },
    { sid: "WriteTheSiteBucket", actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], resources: [`${bucketArn}/*`] },
    // The distribution id is an output of infra-<env>; the script finds it by its comment instead
    // of coupling this stack to that state. Listing takes no resource.
    { sid: "FindTheDistribution", actions: ["cloudfront:ListDistributions"], resources: ["*"] },
    // Distribution ARNs carry only the generated id, unknown here: the environment tag every
    // resource of the environment carries (provider default tags) picks its distribution.
    {
      sid: "InvalidateTheSite",
      actions: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
      resources: [target.arn("cloudfront", "distribution/*", false)],
      condition: [{ test: "StringEquals", variable: "aws:ResourceTag/environment", values: [environment.name] }],
    },
  ];
  if (environment.kmsKey) {
    statements.push({
      sid: "UseTheEnvironmentKeyThroughS3",
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      resources: [target.arn("kms", "key/*")],
      condition: [
        { test: "StringEquals", variable: "kms:ViaService", values: [`s3.${environment.region}.${account.dnsSuffix}`] },
        { test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: [target.keyAlias] },
      ],
    });
  }
  return statements;
}

/** The roles an environment account holds for the delivery pipelines' steps (`account-<id>`). */
export function deliveryRoleNames(project: string, environment: string): { backendDeploy: string; frontendPublish: string } {
  return { backendDeploy: `${project}-${environment}-backend-deploy`, frontendPublish: `${project}-${environment}-frontend-publish` };
}

/** The pipeline's step roles in the state account that assume them. */
export function deliveryStepRoleNames(project: string, environment: string): { backendDeploy: string; frontendPublish: string; backendBuild: string } {
  const naming = new Naming(project, "delivery");
  return { backendDeploy: naming.name("backend", "deploy", environment), frontendPublish: naming.name("frontend", "publish", environment), backendBuild: naming.name("backend", "build") };
}
