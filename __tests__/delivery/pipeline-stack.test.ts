import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { CodestarconnectionsConnection } from "@cdktf/provider-aws/lib/codestarconnections-connection";
import { CodestarnotificationsNotificationRule } from "@cdktf/provider-aws/lib/codestarnotifications-notification-rule";
import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { type DeliveryConfig, loadDeliveryConfig } from "../../src/config/delivery-schema";
import { loadPlatformConfig } from "../../src/config/load";
import { PipelineStack } from "../../src/stacks/pipeline-stack";
import { IAM_USER_ACTIONS, LOCK_TABLE_SETTINGS, STATE_BUCKET_SETTINGS, STATE_KEY_SETTINGS } from "../support/delivery-boundary-promises";
import { REPOSITORY_ROOT } from "../support/project";
import { expectEvery } from "../support/expectations";

/** The layers every environment is promised, in deploy order (README, "Stacks"). */
const LAYERS = ["core", "infra", "app"] as const;

const config = loadPlatformConfig(REPOSITORY_ROOT);
const shipped = loadDeliveryConfig(REPOSITORY_ROOT)!;

type Json = Record<string, any>;

function synthPipeline(change: (delivery: DeliveryConfig) => DeliveryConfig = (d) => d): { json: string; stack: Json } {
  const pipeline = new PipelineStack(Testing.app(), { project: config.project, state: config.state, delivery: change(shipped), environments: config.environments });
  const json = Testing.synth(pipeline);
  return { json, stack: JSON.parse(json) };
}

const infrastructurePipeline = (stack: Json): Json => {
  const pipelines = (Object.values(stack.resource.aws_codepipeline) as Json[]).filter((pipeline) => pipeline.name === "platform-delivery-infrastructure");
  expect(pipelines).toHaveLength(1);
  return pipelines[0];
};
const stagesOf = (stack: Json): Json[] => infrastructurePipeline(stack).stage;
const actionsOf = (stage: Json): Json[] => [...stage.action].sort((a, b) => (a.run_order ?? 1) - (b.run_order ?? 1));

/** The role resource whose `name` is `name`, and its construct id. */
function roleNamed(stack: Json, name: string): [string, Json] {
  const found = Object.entries(stack.resource.aws_iam_role as Record<string, Json>).find(([, role]) => role.name === name);
  if (!found) throw new Error(`no role named ${name}`);
  return found;
}
/** Every policy document statement attached inline to a role, resolved through the data sources. */
function inlineStatements(stack: Json, roleId: string): Json[] {
  const policies = Object.values(stack.resource.aws_iam_role_policy as Record<string, Json>).filter((policy) => policy.role === `\${aws_iam_role.${roleId}.id}`);
  return policies.flatMap((policy) => {
    const documentId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policy.policy)![1];
    return stack.data.aws_iam_policy_document[documentId].statement as Json[];
  });
}
const managedPoliciesOf = (stack: Json, roleName: string) =>
  (Object.values(stack.resource.aws_iam_role_policy_attachment) as Json[]).filter((a) => a.role.includes(`.${roleName}.name}`)).map((a) => a.policy_arn as string);

describe("PipelineStack", () => {
  const { json, stack } = synthPipeline();

  it("is a CodePipeline V2 that queues runs, keeps its state beside bootstrap's and encrypts its artifacts with its own key", () => {
    expect(infrastructurePipeline(stack)).toMatchObject({
      pipeline_type: "V2",
      execution_mode: "QUEUED",
      artifact_store: [{ type: "S3", encryption_key: { type: "KMS", id: expect.stringMatching(/^\$\{aws_kms_key\.artifacts_key.*\.arn\}$/) } }],
    });
    expect(stack.terraform.backend.s3).toEqual({
      bucket: config.state.bucket,
      key: `${config.project}/pipeline.tfstate`,
      region: config.state.region,
      dynamodb_table: config.state.lockTable,
      encrypt: true,
      kms_key_id: "alias/platform-tfstate-123456789012",
    });
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true });
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: expect.stringMatching(/artifacts_key/) }, bucket_key_enabled: true }],
    });
  });

  it("runs Source, Synth, then every layer of every environment in promotion order", () => {
    const expected = ["Source", "Synth", ...shipped.environments.flatMap((environment) => LAYERS.map((layer) => `${layer}-${environment}`))];
    expect(stagesOf(stack).map((stage) => stage.name)).toEqual(expected);
    expect(expected.slice(2, 5)).toEqual(["core-dev", "infra-dev", "app-dev"]);
    expect(expected.at(-1)).toBe("app-prod");
  });

  it("takes the source from GitHub through a connection, and synthesizes the stack directories", () => {
    const [source, synth] = stagesOf(stack);
    expect(source.action).toEqual([
      expect.objectContaining({ provider: "CodeStarSourceConnection", output_artifacts: ["source"], configuration: expect.objectContaining({ FullRepositoryId: shipped.repository, BranchName: "main" }) }),
    ]);
    expect(synth.action).toEqual([expect.objectContaining({ provider: "CodeBuild", input_artifacts: ["source"], output_artifacts: ["synth"] })]);
  });

  it("plans each stack from the synth artifact, then applies that plan's own artifact with the same STACK", () => {
    for (const stage of stagesOf(stack).slice(2)) {
      const actions = actionsOf(stage);
      const plan = actions.find((action) => action.name === "Plan")!;
      const apply = actions.find((action) => action.name === "Apply")!;
      expect([stage.name, plan.input_artifacts]).toEqual([stage.name, ["synth"]]);
      expect([stage.name, apply.input_artifacts]).toEqual([stage.name, plan.output_artifacts]);
      expect(plan.output_artifacts).toHaveLength(1);
      expect(plan.run_order).toBeLessThan(apply.run_order);
      const variables = (action: Json) => Object.fromEntries(JSON.parse(action.configuration.EnvironmentVariables).map((v: Json) => [v.name, v.value]));
      expect(variables(plan).STACK).toBe(stage.name);
      expect(variables(apply).STACK).toBe(stage.name);
      expect(plan.configuration.ProjectName).toMatch(/builds_plan/);
      expect(apply.configuration.ProjectName).toMatch(/builds_apply/);
    }
  });

  it("waits for a manual approval, linked to the plan summary, before every prod apply and no dev apply", () => {
    for (const stage of stagesOf(stack).slice(2)) {
      const actions = actionsOf(stage);
      const apply = actions.find((action) => action.name === "Apply")!;
      const approval = actions.find((action) => action.category === "Approval");
      if (stage.name.endsWith("-prod")) {
        expect(approval).toMatchObject({ provider: "Manual", owner: "AWS" });
        expect(approval!.run_order).toBeLessThan(apply.run_order);
        expect(approval!.run_order).toBeGreaterThan(actions.find((action) => action.name === "Plan")!.run_order);
        expect(approval!.configuration.ExternalEntityLink).toContain(`plans/#{codepipeline.PipelineExecutionId}/${stage.name}/plan.txt`);
        expect(approval!.configuration.CustomData).toContain(stage.name);
      } else {
        expect([stage.name, approval]).toEqual([stage.name, undefined]);
      }
    }
  });

  it("also gates stage when approvalBefore names it", () => {
    const { stack: gated } = synthPipeline((d) => ({ ...d, approvalBefore: ["stage", "prod"] }));
    const approvals = stagesOf(gated).filter((stage) => stage.action.some((action: Json) => action.category === "Approval")).map((stage) => stage.name);
    expect(approvals).toEqual(["core-stage", "infra-stage", "app-stage", "core-prod", "infra-prod", "app-prod"]);
  });

  it("has one synth, one plan and one apply project with one-line phases calling scripts/ci and the pinned, verified Terraform", () => {
    const terraformSteps = ["platform-delivery-apply", "platform-delivery-plan", "platform-delivery-synth"];
    const projects = (Object.values(stack.resource.aws_codebuild_project) as Json[]).filter((project) => terraformSteps.includes(project.name));
    expect(projects.map((project) => project.name).sort()).toEqual(terraformSteps);
    for (const project of projects) {
      expect(project.environment).toMatchObject({ image: "aws/codebuild/amazonlinux-x86_64-standard:5.0", privileged_mode: false });
      const variables = Object.fromEntries(project.environment.environment_variable.map((v: Json) => [v.name, v.value]));
      expect(variables).toMatchObject({ TF_IN_AUTOMATION: "1", TF_INPUT: "0" });
      const commands = (project.source.buildspec as string).split("\n").filter((line) => line.startsWith("      - "));
      expectEvery(`${project.name}: buildspec commands`, commands, (line) => /^ {6}- bash scripts\/ci\/[a-z-]+\.sh$/.test(line));
      expect(project.logs_config.cloudwatch_logs).toMatchObject({ status: "ENABLED", group_name: expect.stringMatching(/builds_logs/) });
      if (project.name !== "platform-delivery-synth") {
        expect(variables).toMatchObject({ TERRAFORM_VERSION: shipped.terraform.version, TERRAFORM_SHA256: shipped.terraform.sha256 });
        expect(project.source.buildspec).toContain("bash scripts/ci/install-terraform.sh");
      }
    }
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 365, kms_key_id: expect.stringMatching(/artifacts_key/) });
    expect(json).toHaveResource(CodebuildProject);
  });

  /** The statements of a managed policy the stack creates, resolved through its policy document. */
  const managedStatements = (policyArn: string): Json[] => {
    const policyId = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(policyArn)![1];
    const documentId = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(stack.resource.aws_iam_policy[policyId].policy)![1];
    return stack.data.aws_iam_policy_document[documentId].statement as Json[];
  };

  it("gives the pipeline's plan role exactly what refresh reads (no ReadOnlyAccess), the project's secrets through their services, and writes only locks, logs and artifacts", () => {
    const [planId, plan] = roleNamed(stack, "platform-delivery-build-plan");
    const managed = managedPoliciesOf(stack, planId);
    expect(managed.filter((arn) => arn.includes(":iam::aws:policy/"))).toEqual([]);
    expect(managed).toHaveLength(1);
    const [reads] = managedStatements(managed[0]);
    expect(reads).toMatchObject({ resources: ["*"] });
    // A few reads ReadOnlyAccess also had, and the tag reads default_tags needs.
    expect(reads.actions).toEqual(expect.arrayContaining(["rds:DescribeDBClusters", "lambda:GetFunction", "s3:GetBucketTagging", "cloudfront:GetDistribution"]));
    expect(reads.actions.filter((action: string) => /GetSecretValue|^ssm:GetParameter$|^kms:Decrypt$|:Put|:Delete|:Create|:Update/.test(action))).toEqual([]);
    expect(plan.permissions_boundary).toMatch(/^\$\{aws_iam_policy\.apply-boundary_policy_[^}]+\.arn\}$/);

    const statements = inlineStatements(stack, planId);
    const bySid = (sid: string) => statements.find((statement) => statement.sid === sid);
    expect(bySid("RefreshReadsGetSecretValueOfTheProject")).toMatchObject({
      actions: ["secretsmanager:GetSecretValue"],
      resources: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.[^}]+\}:secretsmanager:\*:\$\{data\.aws_caller_identity\.[^}]+\}:secret:platform-\*$/)],
    });
    expect(bySid("RefreshReadsGetParameterOfTheProject")).toMatchObject({ actions: ["ssm:GetParameter"], resources: [expect.stringMatching(/:ssm:\*:.*:parameter\/platform\/\*$/)] });
    const decrypt = bySid("DecryptWhatRefreshReadsThroughItsService")!;
    expect(decrypt.actions).toEqual(["kms:Decrypt"]);
    expect(decrypt.condition).toEqual(
      expect.arrayContaining([
        {
          test: "StringEquals",
          variable: "kms:ViaService",
          values: expect.arrayContaining(["secretsmanager.eu-west-1.amazonaws.com", "ssm.eu-west-1.amazonaws.com", "lambda.eu-west-1.amazonaws.com", "scheduler.eu-west-1.amazonaws.com"]),
        },
        { test: "ForAnyValue:StringLike", variable: "kms:ResourceAliases", values: ["alias/platform-*"] },
      ]),
    );
    expect(bySid("ReadTheStates")).toMatchObject({ actions: ["s3:GetObject"], resources: expect.arrayContaining([expect.stringMatching(/:s3:::platform-tfstate-123456789012\/platform\/prod\/\*\.tfstate$/)]) });

    const writes = /^(s3:Put|s3:Delete|dynamodb:PutItem|dynamodb:DeleteItem|logs:|kms:Encrypt|kms:GenerateDataKey)/;
    const allowedTargets = [
      /^arn:\$\{data\.aws_partition\.[^}]+\}:dynamodb:eu-west-1:\$\{data\.aws_caller_identity\.[^}]+\}:table\/platform-tflock$/,
      /^arn:\$\{data\.aws_partition\.[^}]+\}:s3:::platform-tfstate-123456789012\/platform\/[a-z]+\/\*\.tfstate\.tflock$/,
      /:log-group:\/platform\/delivery\/builds:log-stream:\*$/,
      /^\$\{aws_s3_bucket\.artifacts_bucket_[^}]+\.arn\}\/\*$/,
      /^\$\{data\.aws_kms_alias\.state-key-\d+\.target_key_arn\}$/,
      /^\$\{aws_kms_key\.artifacts_key_[^}]+\.arn\}$/,
    ];
    for (const statement of statements) expect(statement.effect ?? "Allow").toBe("Allow");
    const written = statements
      .filter((statement) => statement.actions.some((action: string) => writes.test(action)))
      .flatMap((statement) => (statement.resources as string[]).map((resource) => `${statement.sid}: ${resource}`));
    // The plan role writes its locks, its logs and its plans: the check below must see them.
    expectEvery("what the plan role writes", written, (entry) => allowedTargets.some((target) => target.test(entry.slice(entry.indexOf(": ") + 2))));
  });

  it("lets a pull request plan only without refresh: it reads state and data sources, never a secret, an environment key or a lock", () => {
    const [planId, plan] = roleNamed(stack, "platform-delivery-github-plan");
    const [readsArn] = managedPoliciesOf(stack, planId);
    expect(managedPoliciesOf(stack, planId)).toHaveLength(1);
    expect(managedStatements(readsArn)[0].actions.sort()).toEqual(["ec2:DescribeAvailabilityZones", "kms:DescribeKey", "kms:ListAliases", "sts:GetCallerIdentity"]);
    const statements = inlineStatements(stack, planId);
    const actions = statements.flatMap((statement) => statement.actions as string[]);
    expect([...new Set(actions)].sort()).toEqual(["dynamodb:GetItem", "kms:Decrypt", "kms:DescribeKey", "s3:GetObject", "s3:ListBucket"]);
    const decrypt = statements.find((statement) => statement.actions.includes("kms:Decrypt"))!;
    expectEvery("the keys a review plan decrypts", decrypt.resources as string[], (resource) => /^\$\{data\.aws_kms_alias\.state-key-\d+\.target_key_arn\}$/.test(resource));
    expectEvery("the objects a review plan reads", statements.find((statement) => statement.actions.includes("s3:GetObject"))!.resources as string[], (resource) => /\.tfstate(\.md5)?$/.test(resource));
    expect(plan.permissions_boundary).toMatch(/apply-boundary/);
  });

  it("caps every delivery role with the boundary: state store protected, no IAM users, no unbounded or re-trusted roles, frozen boundaries", () => {
    const [applyId, apply] = roleNamed(stack, "platform-delivery-build-apply");
    expect(managedPoliciesOf(stack, applyId)).toEqual([expect.stringMatching(/:iam::aws:policy\/AdministratorAccess$/)]);
    expect(apply.permissions_boundary).toMatch(/^\$\{aws_iam_policy\.apply-boundary_policy_[^}]+\.arn\}$/);
    expect(apply.max_session_duration).toBe(14400);
    const boundaryId = Object.keys(stack.data.aws_iam_policy_document).find((id) => id.startsWith("apply-boundary_document"))!;
    const denies = (stack.data.aws_iam_policy_document[boundaryId].statement as Json[]).filter((statement) => statement.effect === "Deny");
    const deny = (sid: string) => {
      const found = denies.find((statement) => statement.sid === sid);
      if (!found) throw new Error(`the boundary has no ${sid}`);
      return found;
    };
    const stateBuckets = [/:s3:::platform-tfstate-123456789012$/, /:s3:::platform-tfstate-123456789012-logs$/];
    // Every protection, named here: one dropped from the boundary fails (and __tests__/iam simulates each).
    expect([...deny("StateBucketsKeepTheirProtection").actions].sort()).toEqual([...STATE_BUCKET_SETTINGS].sort());
    for (const bucket of stateBuckets) expect(deny("StateBucketsKeepTheirProtection").resources).toContainEqual(expect.stringMatching(bucket));
    expect(deny("StateVersionsAndObjectsStay")).toMatchObject({ actions: ["s3:DeleteObjectVersion"], resources: expect.arrayContaining([expect.stringMatching(/:s3:::platform-tfstate-123456789012\/\*$/)]) });
    expect(deny("CurrentStateStays")).toMatchObject({ actions: ["s3:DeleteObject"] });
    expect(deny("StateKeyStaysUsableByAlias")).toMatchObject({
      actions: STATE_KEY_SETTINGS,
      condition: [{ test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: ["alias/platform-tfstate-123456789012"] }],
    });
    expect(deny("StateKeyAliasStaysOnItsKey").actions).toEqual(["kms:DeleteAlias", "kms:UpdateAlias"]);
    expect(deny("LockTableKeepsItsProtection")).toMatchObject({
      actions: LOCK_TABLE_SETTINGS,
      resources: [expect.stringMatching(/:dynamodb:eu-west-1:.*:table\/platform-tflock$/)],
    });
    const iamUserActions = [...IAM_USER_ACTIONS].sort();
    expect([...deny("NoIamUsersOrAccessKeys").actions].sort()).toEqual(iamUserActions);
    // ...and the boundary's only Allow leaves them out too, so no policy of the role can grant them.
    const allow = (stack.data.aws_iam_policy_document[boundaryId].statement as Json[]).filter((statement) => (statement.effect ?? "Allow") === "Allow");
    expect(allow).toEqual([expect.objectContaining({ sid: "EverythingTheRoleIsGrantedExceptIamUsers", resources: ["*"] })]);
    expect([...allow[0].not_actions].sort()).toEqual(iamUserActions);
    const bounded = deny("NewAndChangedRolesCarryAnAllowedBoundary");
    expect(bounded.actions).toEqual(["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:PutRolePolicy"]);
    expect(bounded.condition[0]).toMatchObject({ test: "StringNotEquals", variable: "iam:PermissionsBoundary" });
    for (const name of ["dev", "stage", "prod"].flatMap((env) => [`platform-${env}-workload-boundary`, `platform-${env}-service-boundary`])) {
      expect([name, bounded.condition[0].values]).toEqual([name, expect.arrayContaining([expect.stringMatching(new RegExp(`:iam::.*:policy/${name}$`))])]);
    }
    expect(bounded.condition[0].values).not.toContainEqual(expect.stringMatching(/policy\/platform-delivery-apply-boundary$/));
    expect(deny("BoundariesStayAsCreated").resources).toEqual(bounded.condition[0].values);
    expect(deny("NoBoundaryIsLifted").actions).toEqual(["iam:DeleteRolePermissionsBoundary"]);
    expect(deny("OnlyTheProjectsRolesArePassedTrustedOrAssumed")).toMatchObject({
      actions: ["iam:PassRole", "iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
      not_resources: [expect.stringMatching(/:iam::.*:role\/platform-\*$/)],
    });
    expect(deny("DeliveryRolesAndThisBoundaryStayAsTheyAre").resources).toEqual([expect.stringMatching(/role\/platform-delivery-\*$/), expect.stringMatching(/policy\/platform-delivery-\*$/)]);
    for (const [, role] of Object.entries(stack.resource.aws_iam_role as Record<string, Json>)) {
      expect([role.name, role.permissions_boundary]).toEqual([role.name, expect.stringMatching(/apply-boundary_policy/)]);
      expect([role.name, managedPoliciesOf(stack, Object.entries(stack.resource.aws_iam_role).find(([, r]) => r === role)![0]).filter((arn) => /AdministratorAccess|PowerUser|IAMFullAccess/.test(arn)).length > 0]).toEqual([
        role.name,
        role.name.endsWith("-apply"),
      ]);
    }
  });

  it("keeps the synth and pipeline roles to artifacts, logs, builds and the connection, trusted only from this account", () => {
    const [synthId] = roleNamed(stack, "platform-delivery-build-synth");
    expect(managedPoliciesOf(stack, synthId)).toEqual([]);
    const synthActions = inlineStatements(stack, synthId).flatMap((statement) => statement.actions as string[]);
    expectEvery("the synth role's actions", synthActions, (action) => /^(s3:(Get|Put)Object|s3:GetObjectVersion|s3:GetBucket|logs:|kms:)/.test(action));
    const [pipelineId, pipelineRole] = roleNamed(stack, "platform-delivery-pipeline");
    const pipelineActions = inlineStatements(stack, pipelineId).flatMap((statement) => statement.actions as string[]);
    expect(pipelineActions).toEqual(expect.arrayContaining(["codebuild:StartBuild", "codestar-connections:UseConnection"]));
    expectEvery("the pipeline role's actions", pipelineActions, (action) => /^(codebuild:|codestar-connections:|codeconnections:|s3:|kms:)/.test(action));
    const trustId = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(pipelineRole.assume_role_policy)![1];
    expect(stack.data.aws_iam_policy_document[trustId].statement[0].condition).toEqual([
      { test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringMatching(/aws_caller_identity/)] },
    ]);
  });

  it("reports failures, successes and approvals waiting to a KMS-encrypted topic", () => {
    expect(json).toHaveResourceWithProperties(CodestarnotificationsNotificationRule, {
      detail_type: "FULL",
      event_type_ids: expect.arrayContaining([
        "codepipeline-pipeline-pipeline-execution-failed",
        "codepipeline-pipeline-pipeline-execution-succeeded",
        "codepipeline-pipeline-manual-approval-needed",
      ]),
      target: [{ type: "SNS", address: expect.stringMatching(/aws_sns_topic\.events_topic/) }],
    });
    expect(json).toHaveResourceWithProperties(SnsTopic, { name: "platform-delivery-pipeline-events", kms_master_key_id: expect.stringMatching(/artifacts_key/) });
  });

  it("creates a GitHub connection (to confirm once) unless given one", () => {
    expect(json).toHaveResourceWithProperties(CodestarconnectionsConnection, { provider_type: "GitHub" });
    expect(stack.output.connection_arn.description).toMatch(/confirm it once in the console/);
    const arn = "arn:aws:codeconnections:eu-west-1:123456789012:connection/0c9a8d2e-1b2c-4d5e-8f90-1a2b3c4d5e6f";
    const { json: given, stack: givenStack } = synthPipeline((d) => ({ ...d, connectionArn: arn }));
    expect(given).not.toHaveResource(CodestarconnectionsConnection);
    expect(stagesOf(givenStack)[0].action[0].configuration.ConnectionArn).toBe(arn);
  });

  it("trusts GitHub's OIDC tokens for pull-request plans, and applies only from the protected environment", () => {
    expect(json).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
    const trustOf = (name: string) => {
      const [, role] = roleNamed(stack, name);
      const trustId = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(role.assume_role_policy)![1];
      return stack.data.aws_iam_policy_document[trustId].statement[0];
    };
    const repo = shipped.repository;
    expect(trustOf("platform-delivery-github-plan").condition).toEqual([
      { test: "StringEquals", variable: "token.actions.githubusercontent.com:aud", values: ["sts.amazonaws.com"] },
      { test: "StringLike", variable: "token.actions.githubusercontent.com:sub", values: [`repo:${repo}:pull_request`] },
    ]);
    expect(trustOf("platform-delivery-github-apply").condition).toContainEqual({
      test: "StringLike",
      variable: "token.actions.githubusercontent.com:sub",
      values: [`repo:${repo}:environment:production`],
    });
    expect(roleNamed(stack, "platform-delivery-github-apply")[1].permissions_boundary).toMatch(/apply-boundary/);

    // The workflow asks for the apply role's whole session (the action's default is one hour),
    // and plans pull requests in review mode, which is all their role allows.
    const workflow = readFileSync(join(REPOSITORY_ROOT, ".github", "workflows", "infrastructure.yml"), "utf8");
    const applyJob = workflow.slice(workflow.indexOf("\n  apply:"));
    const planJob = workflow.slice(workflow.indexOf("\n  plan:"), workflow.indexOf("\n  apply:"));
    expect(/role-duration-seconds: (\d+)/.exec(applyJob)?.[1]).toBe("14400");
    expect(roleNamed(stack, "platform-delivery-github-apply")[1].max_session_duration).toBe(14400);
    expect(planJob).toMatch(/PLAN_MODE: review/);
    expect(planJob).toMatch(/role-to-assume: \$\{\{ vars\.AWS_PLAN_ROLE_ARN \}\}/);
    const { json: without } = synthPipeline((d) => ({ ...d, githubOidc: { enabled: false } }));
    expect(without).not.toHaveResource(IamOpenidConnectProvider);
  });
});
