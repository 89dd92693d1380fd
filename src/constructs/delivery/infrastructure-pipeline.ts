import { CodepipelineStage, Codepipeline, type CodepipelineStageAction } from "@cdktf/provider-aws/lib/codepipeline";
import { CodestarconnectionsConnection } from "@cdktf/provider-aws/lib/codestarconnections-connection";
import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { LAYERS, stackName } from "../../config/layers";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import type { BuildStep } from "./buildspecs";
import { assumedBy } from "../iam/assumed-by";

/** What the pipeline needs to know about the builds: project names and ARNs per step. */
export type BuildProjectRefs = Record<BuildStep, { readonly name: string; readonly arn: string }>;

export interface PipelineLayoutProps {
  /** Environments in promotion order. */
  readonly environments: readonly string[];
  /** Environments whose applies wait for a manual approval. */
  readonly approvalBefore: readonly string[];
  /** Environments in other accounts: plan.sh and apply.sh run as these roles there (DEPLOY_ROLE_ARN). Default: none. */
  readonly deployRoles?: Readonly<Record<string, { readonly plan: string; readonly apply: string }>>;
  readonly projects: BuildProjectRefs;
  readonly connectionArn: string;
  readonly repository: string;
  readonly branch: string;
  /** Where plan.sh copies each plan's summary for approvers: `s3://<bucket>/plans/<execution>/<stack>/plan.txt`. */
  readonly summaryBucket: string;
  readonly region: string;
}

/** The pipeline's own execution id, resolved by CodePipeline when an action runs. */
const EXECUTION_ID = "#{codepipeline.PipelineExecutionId}";

/** The S3 key of a stack's plan summary in one execution. */
export function planSummaryKey(stack: string): string {
  return `plans/${EXECUTION_ID}/${stack}/plan.txt`;
}

/** Every pipeline's first stage: the branch of the GitHub repository through the connection, as the `source` artifact. */
export function githubSourceStage(source: { readonly connectionArn: string; readonly repository: string; readonly branch: string }): CodepipelineStage {
  return {
    name: "Source",
    action: [
      {
        name: "GitHub",
        category: "Source",
        owner: "AWS",
        provider: "CodeStarSourceConnection",
        version: "1",
        outputArtifacts: ["source"],
        configuration: {
          ConnectionArn: source.connectionArn,
          FullRepositoryId: source.repository,
          BranchName: source.branch,
          OutputArtifactFormat: "CODE_ZIP",
          DetectChanges: "true",
        },
      },
    ],
  };
}

const environmentVariables = (variables: Record<string, string>) =>
  JSON.stringify(Object.entries(variables).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })));

/**
 * The stages of the infrastructure pipeline: Source, Synth, then one stage per stack in promotion
 * order (every layer of an environment before the next environment). A stack's stage plans, waits
 * for approval where the environment asks for it, and applies the plan artifact of that same run.
 */
export function pipelineStages(props: PipelineLayoutProps): CodepipelineStage[] {
  const build = (step: BuildStep, variables: Record<string, string> = {}) => ({
    category: "Build",
    owner: "AWS",
    provider: "CodeBuild",
    version: "1",
    configuration: {
      ProjectName: props.projects[step].name,
      ...(Object.keys(variables).length > 0 ? { EnvironmentVariables: environmentVariables(variables) } : {}),
    },
  });
  const stages: CodepipelineStage[] = [
    githubSourceStage(props),
    { name: "Synth", action: [{ name: "Synth", ...build("synth"), inputArtifacts: ["source"], outputArtifacts: ["synth"] }] },
  ];
  for (const environment of props.environments) {
    const approve = props.approvalBefore.includes(environment);
    const deployRoles = props.deployRoles?.[environment];
    for (const layer of LAYERS) {
      const stack = stackName(layer, environment);
      const plan = `plan_${stack.replace(/-/g, "_")}`;
      const actions: CodepipelineStageAction[] = [
        {
          name: "Plan",
          ...build("plan", {
            STACK: stack,
            PLAN_SUMMARY_URI: `s3://${props.summaryBucket}/${planSummaryKey(stack)}`,
            ...(deployRoles ? { DEPLOY_ROLE_ARN: deployRoles.plan } : {}),
          }),
          inputArtifacts: ["synth"],
          outputArtifacts: [plan],
          runOrder: 1,
        },
      ];
      if (approve) {
        actions.push({
          name: "Approve",
          category: "Approval",
          owner: "AWS",
          provider: "Manual",
          version: "1",
          runOrder: 2,
          configuration: {
            CustomData: `Review the saved plan of ${stack} (plan.txt at the link, plan.json in the ${plan} artifact). Approving applies exactly this plan; it is refused if the state moved since.`,
            ExternalEntityLink: `https://${props.region}.console.aws.amazon.com/s3/object/${props.summaryBucket}?region=${props.region}&prefix=${planSummaryKey(stack)}`,
          },
        });
      }
      actions.push({ name: "Apply", ...build("apply", { STACK: stack, ...(deployRoles ? { DEPLOY_ROLE_ARN: deployRoles.apply } : {}) }), inputArtifacts: [plan], runOrder: approve ? 3 : 2 });
      stages.push({ name: stack, action: actions });
    }
  }
  return stages;
}

/** CodeStar Notifications events the pipeline reports to the topic. */
export const PIPELINE_EVENTS = [
  "codepipeline-pipeline-pipeline-execution-failed",
  "codepipeline-pipeline-pipeline-execution-succeeded",
  "codepipeline-pipeline-manual-approval-needed",
];

export interface InfrastructurePipelineProps extends Omit<PipelineLayoutProps, "connectionArn" | "summaryBucket" | "region"> {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The delivery permissions boundary (ApplyBoundary): every delivery role carries it. */
  readonly boundaryArn: string;
  /** An existing, confirmed connection. Default: a new GitHub connection, pending until a human confirms it in the console. */
  readonly connectionArn?: string;
  readonly artifactBucketName: string;
  readonly artifactBucketArn: string;
  readonly kmsKeyArn: string;
  /** Where failures, successes and approvals waiting are reported. */
  readonly notificationTopicArn: string;
}

/** The CodePipeline V2 pipeline of the infrastructure, its service role, GitHub connection and notifications. */
export class InfrastructurePipeline extends Construct {
  readonly pipeline: Codepipeline;
  readonly role: IamRole;
  readonly connectionArn: string;
  /** Set when the stack created the connection: it stays PENDING until confirmed in the console. */
  readonly connection?: CodestarconnectionsConnection;

  constructor(scope: Construct, id: string, props: InfrastructurePipelineProps) {
    super(scope, id);
    const { naming, account } = props;
    if (props.connectionArn) {
      this.connectionArn = props.connectionArn;
    } else {
      this.connection = new CodestarconnectionsConnection(this, "github", { name: naming.name("github"), providerType: "GitHub" });
      this.connectionArn = this.connection.arn;
    }

    const trust = assumedBy(this, "trust", account, "codepipeline", "CodePipelineOfThisAccount");
    this.role = new IamRole(this, "role", {
      name: naming.name("pipeline"),
      permissionsBoundary: props.boundaryArn,
      description: `Runs the ${naming.prefix} pipeline: starts its builds, uses the GitHub connection and the artifact bucket`,
      assumeRolePolicy: trust,
    });
    const projectArns = Object.values(props.projects).map((project) => project.arn);
    const policy = new DataAwsIamPolicyDocument(this, "policy-document", {
      statement: [
        { sid: "RunTheBuilds", actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"], resources: projectArns },
        { sid: "UseTheGitHubConnection", actions: ["codestar-connections:UseConnection", "codeconnections:UseConnection"], resources: [this.connectionArn] },
        {
          sid: "ReadAndWriteArtifacts",
          actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
          resources: [`${props.artifactBucketArn}/*`],
        },
        { sid: "LocateArtifactBucket", actions: ["s3:GetBucketVersioning", "s3:GetBucketLocation"], resources: [props.artifactBucketArn] },
        { sid: "UsePipelineKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], resources: [props.kmsKeyArn] },
      ],
    });
    new IamRolePolicy(this, "policy", { role: this.role.id, name: "builds-connection-artifacts", policy: policy.json });

    this.pipeline = new Codepipeline(this, "pipeline", {
      name: naming.name("infrastructure"),
      pipelineType: "V2",
      // One run at a time, in order: a queued run plans only after the previous one applied.
      executionMode: "QUEUED",
      roleArn: this.role.arn,
      artifactStore: [{ type: "S3", location: props.artifactBucketName, encryptionKey: { id: props.kmsKeyArn, type: "KMS" } }],
      stage: pipelineStages({ ...props, connectionArn: this.connectionArn, summaryBucket: props.artifactBucketName, region: account.region }),
    });

    new CodestarnotificationsNotificationRule(this, "notifications", {
      name: naming.name("infrastructure-events"),
      resource: this.pipeline.arn,
      detailType: "FULL",
      eventTypeIds: PIPELINE_EVENTS,
      target: [{ address: props.notificationTopicArn, type: "SNS" }],
    });
  }
}
