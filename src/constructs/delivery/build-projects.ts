import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { DataAwsIamPolicyDocument, type DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { AccountContext } from "../account/account-context";
import { type BuildStep, buildspec } from "./buildspecs";
import { assumedBy } from "../iam/assumed-by";

/** The managed build image: Amazon Linux 2023 with Node.js 20, the AWS CLI, curl, unzip. */
export const BUILD_IMAGE = "aws/codebuild/amazonlinux-x86_64-standard:5.0";

export interface BuildProjectsProps {
  readonly naming: Naming;
  readonly account: AccountContext;
  /** The pipeline's key: artifacts and build logs are encrypted with it. */
  readonly kmsKeyArn: string;
  readonly artifactBucketArn: string;
  /** The Terraform release the plan and apply builds install, and the SHA-256 of its linux_amd64 zip. */
  readonly terraform: { readonly version: string; readonly sha256: string };
  /** Roles the plan and apply builds run as (TerraformRoles). The synth role is created here. */
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
  /** The apply build's timeout: at most the apply role's session, so a build never outlives its credentials' purpose. */
  readonly applyTimeoutMinutes: number;
  /** The delivery permissions boundary (ApplyBoundary): every delivery role carries it. */
  readonly boundaryArn: string;
  /** Log retention of the build logs. Default 365 days: a year of what every apply changed, for audits. */
  readonly logRetentionDays?: number;
}

/** The log group of every build; known before the projects so the build roles can be granted it first. */
export function buildLogGroupName(naming: Naming): string {
  return naming.path("builds");
}

/** The grants a build role needs to run at all: its log streams, the pipeline's artifacts and key. */
export function buildRuntimeStatements(props: {
  readonly account: AccountContext;
  readonly naming: Naming;
  readonly artifactBucketArn: string;
  readonly kmsKeyArn: string;
}): DataAwsIamPolicyDocumentStatement[] {
  const { account, naming, artifactBucketArn, kmsKeyArn } = props;
  return [
    {
      sid: "WriteBuildLogs",
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [account.arn("logs", `log-group:${buildLogGroupName(naming)}:log-stream:*`)],
    },
    { sid: "ReadAndWritePipelineArtifacts", actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], resources: [`${artifactBucketArn}/*`] },
    { sid: "LocateArtifactBucket", actions: ["s3:GetBucketAcl", "s3:GetBucketLocation"], resources: [artifactBucketArn] },
    { sid: "UsePipelineKey", actions: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], resources: [kmsKeyArn] },
  ];
}

/**
 * The three CodeBuild projects every stage of the pipeline reuses: `synth`, `plan` and `apply`. The
 * pipeline tells them which stack to work on through the `STACK` environment variable.
 */
export class BuildProjects extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly synthRole: IamRole;
  readonly projects: Record<BuildStep, CodebuildProject>;
  /** What a build's role needs wherever it runs: its log streams, the artifacts and the pipeline key. */
  readonly runtimeStatements: DataAwsIamPolicyDocumentStatement[];

  constructor(scope: Construct, id: string, props: BuildProjectsProps) {
    super(scope, id);
    const { naming, account } = props;

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: buildLogGroupName(naming),
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: props.logRetentionDays ?? 365,
    });
    this.runtimeStatements = buildRuntimeStatements({ account, naming, artifactBucketArn: props.artifactBucketArn, kmsKeyArn: props.kmsKeyArn });

    const trust = assumedBy(this, "trust", account, "codebuild", "CodeBuildOfThisAccount");
    this.synthRole = new IamRole(this, "synth-role", {
      name: naming.name("build", "synth"),
      permissionsBoundary: props.boundaryArn,
      description: `Synthesizes the ${naming.project} stacks: reads the source artifact, writes the stack directories`,
      assumeRolePolicy: trust,
    });
    const synthPolicy = new DataAwsIamPolicyDocument(this, "synth-policy-document", { statement: this.runtimeStatements });
    new IamRolePolicy(this, "synth-policy", { role: this.synthRole.id, name: "artifacts-and-logs", policy: synthPolicy.json });

    const project = (step: BuildStep, roleArn: string, description: string, timeoutMinutes: number, computeType: string) =>
      new CodebuildProject(this, step, {
        name: naming.name(step),
        description,
        serviceRole: roleArn,
        encryptionKey: props.kmsKeyArn,
        buildTimeout: timeoutMinutes,
        source: { type: "CODEPIPELINE", buildspec: buildspec(step) },
        artifacts: { type: "CODEPIPELINE" },
        environment: {
          type: "LINUX_CONTAINER",
          image: BUILD_IMAGE,
          computeType,
          imagePullCredentialsType: "CODEBUILD",
          privilegedMode: false,
          environmentVariable: [
            { name: "TF_IN_AUTOMATION", value: "1" },
            { name: "TF_INPUT", value: "0" },
            { name: "CHECKPOINT_DISABLE", value: "1" },
            // The pipeline sets STACK per action; this default makes a stray manual start fail clearly.
            { name: "STACK", value: "" },
            ...(step === "synth"
              ? []
              : [
                  { name: "TERRAFORM_VERSION", value: props.terraform.version },
                  { name: "TERRAFORM_SHA256", value: props.terraform.sha256 },
                ]),
          ],
        },
        logsConfig: {
          cloudwatchLogs: { groupName: this.logGroup.name, streamName: step, status: "ENABLED" },
          s3Logs: { status: "DISABLED" },
        },
      });

    this.projects = {
      // esbuild bundling of the handlers needs more memory than the small instance's 3 GB.
      synth: project("synth", this.synthRole.arn, "npm ci && npm run synth: every stack directory as the artifact", 30, "BUILD_GENERAL1_MEDIUM"),
      plan: project("plan", props.planRoleArn, "terraform plan -out of one stack (STACK), with plan.json and plan.txt", 60, "BUILD_GENERAL1_SMALL"),
      // CloudFront distributions and Aurora clusters take long to create.
      apply: project("apply", props.applyRoleArn, "terraform apply of exactly the saved plan of one stack (STACK)", props.applyTimeoutMinutes, "BUILD_GENERAL1_SMALL"),
    };
  }
}
