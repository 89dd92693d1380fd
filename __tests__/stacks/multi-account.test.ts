import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configProblems, REPOSITORY_ROOT } from "../support/project";
import { readStacks, runSynth, synthesizeStacks, type StackJson } from "../support/synth";

type Json = Record<string, any>;
const EXAMPLE = join(REPOSITORY_ROOT, "environments", "examples", "multi-account");
const TOOLING = "111111111111";
const DEV_AND_STAGE = "222222222222";
const PROD = "333333333333";
const BUCKET = "platform-tfstate-111111111111";

/** A copy of the three-account example, edited. */
function example(edit: (files: { read: (file: string) => Json; write: (file: string, json: Json) => void }) => void = () => {}): string {
  const root = mkdtempSync(join(tmpdir(), "platform-multi-account-"));
  cpSync(EXAMPLE, root, { recursive: true });
  const read = (file: string) => JSON.parse(readFileSync(join(root, file), "utf8")) as Json;
  const write = (file: string, json: Json) => writeFileSync(join(root, file), JSON.stringify(json, null, 2));
  edit({ read, write });
  return root;
}


const editJson = (file: string, change: (json: Json) => void) => (files: { read: (file: string) => Json; write: (file: string, json: Json) => void }) => {
  const json = files.read(file);
  change(json);
  files.write(file, json);
};

describe("a layout that cannot work across accounts is refused before anything is written", () => {
  it.each<[string, Parameters<typeof example>[0], RegExp]>([
    [
      "environments in several accounts without the state account",
      editJson("backend.config.json", (b) => delete b.state.accountId),
      /^backend\.config\.json: state\.accountId: missing; the environments run in 2 accounts \(dev: 222222222222, prod: 333333333333, stage: 222222222222\): name the account that holds the state bucket/,
    ],
    [
      "a DynamoDB lock table in the state account for an environment outside it",
      editJson("backend.config.json", (b) => (b.environments.prod.lockTable = "platform-tflock")),
      /^backend\.config\.json: environments\.prod\.lockTable: prod runs in account 333333333333, outside the state account 111111111111; the S3 backend looks its DynamoDB table up in the caller's account.*set "useLockfile": true/,
    ],
    [
      "another bucket than the bootstrap bucket",
      editJson("backend.config.json", (b) => Object.assign(b.environments.prod, { bucket: "someone-elses-state", kmsKeyId: "alias/their-key" })),
      /^backend\.config\.json: environments\.prod\.bucket: prod runs in account 333333333333.*only the bootstrap bucket "platform-tfstate-111111111111" \(eu-west-1\) admits another account's deploy roles/,
    ],
    [
      "a key alias for an environment outside the state account",
      editJson("backend.config.json", (b) => (b.environments.prod.kmsKeyId = "alias/platform-tfstate-111111111111")),
      /^backend\.config\.json: environments\.prod\.kmsKeyId: prod runs in account 333333333333.*an alias here would resolve in the caller's account\): remove kmsKeyId$/,
    ],
    [
      "deployers for an environment in the state account",
      editJson("environments/dev.json", (e) => (e.accountId = TOOLING)),
      /^environments\/dev\.json: deployers: only an environment outside the state account \(111111111111\) gets deploy roles to trust/,
    ],
  ])("%s", (_title, edit, expected) => {
    const problems = configProblems(example(edit));
    expect(problems).toContainEqual(expect.stringMatching(expected));
  });

  it("refuses a pipeline outside the state account, and deploy roles nobody could assume, writing no cdktf.out", () => {
    const elsewhere = runSynth(example(editJson("delivery.config.json", (d) => (d.accountId = PROD))));
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toMatch(/delivery\.config\.json: accountId: 333333333333 is not the state account 111111111111.*run it in the state account/);
    expect(existsSync(elsewhere.outdir)).toBe(false);
    const github = runSynth(example(editJson("delivery.config.json", (d) => (d.githubOidc = { enabled: true }))));
    expect(github.status).toBe(1);
    expect(github.stderr).toMatch(/delivery\.config\.json: githubOidc: .*dev, stage, prod run in other accounts.*"githubOidc": \{"enabled": false\}/);
    expect(existsSync(github.outdir)).toBe(false);
    // No pipeline and nobody named: prod's deploy roles would trust no one.
    const root = example(editJson("environments/prod.json", (e) => delete e.deployers));
    rmSync(join(root, "delivery.config.json"));
    const nobody = runSynth(root);
    expect(nobody.status).toBe(1);
    expect(nobody.stderr).toMatch(/environments\/prod\.json: deployers: nobody could assume prod's deploy roles in account 333333333333; name the people .* or add a delivery pipeline/);
    expect(existsSync(nobody.outdir)).toBe(false);
  });
});

describe("the three-account layout: state and pipeline in 111111111111, dev and stage in 222222222222, prod in 333333333333", () => {
  let stacks: Map<string, StackJson>;
  beforeAll(() => {
    const run = runSynth(example());
    expect([run.status, run.stderr]).toEqual([0, ""]);
    stacks = readStacks(run);
  });
  const stack = (name: string): Json => stacks.get(name)! as Json;
  const documents = (name: string): Json[] => Object.values(stack(name).data?.aws_iam_policy_document ?? {});
  const statement = (name: string, sid: string): Json => documents(name).flatMap((document) => document.statement).find((candidate: Json) => candidate.sid === sid)!;

  it("adds one account-<id> stack per environment account and nothing for the state account", () => {
    expect([...stacks.keys()].filter((name) => name.startsWith("account-")).sort()).toEqual([`account-${DEV_AND_STAGE}`, `account-${PROD}`]);
  });

  it("keeps every environment's state in the bootstrap bucket under its own prefix, locked with S3 lock files, listing only its prefix", () => {
    for (const [environment, account] of [["dev", DEV_AND_STAGE], ["stage", DEV_AND_STAGE], ["prod", PROD]]) {
      for (const layer of ["core", "infra", "app"]) {
        const json = stack(`${layer}-${environment}`);
        expect(json.terraform.backend.s3).toEqual({
          bucket: BUCKET,
          key: `platform/${environment}/${layer}.tfstate`,
          region: "eu-west-1",
          // No encryption header: the bucket's default SSE-KMS with the state key applies (an alias
          // would resolve in the environment's account, and encrypt alone would send AES256).
          encrypt: false,
          use_lockfile: true,
          workspace_key_prefix: `platform/${environment}/env:`,
        });
        expect(json.provider.aws[0].allowed_account_ids).toEqual([account]);
        // No role in the synthesized stack: plan and apply run as different roles (a saved plan keeps its backend settings).
        expect(json.provider.aws[0].assume_role).toBeUndefined();
        for (const remote of Object.values<Json>(json.data?.terraform_remote_state ?? {})) expect(remote.config.workspace_key_prefix).toBe(`platform/${environment}/env:`);
      }
    }
  });

  it("lets the state bucket admit each environment's two deploy roles to its own prefix only, the plan role without writing state", () => {
    const deny = statement("bootstrap", "DenyOtherAccounts");
    expect(deny.condition).toContainEqual({ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: expect.arrayContaining([`arn:aws:iam::${PROD}:role/platform-prod-deploy-apply`]) });
    expect(deny.condition.find((condition: Json) => condition.test === "ArnNotEquals").values).toHaveLength(6);
    const roles = (environment: string, account: string) => [`arn:aws:iam::${account}:role/platform-${environment}-deploy-plan`, `arn:aws:iam::${account}:role/platform-${environment}-deploy-apply`];
    for (const [environment, account] of [["dev", DEV_AND_STAGE], ["stage", DEV_AND_STAGE], ["prod", PROD]]) {
      const principals = [{ type: "AWS", identifiers: [expect.stringMatching(new RegExp(`^arn:[^:]+:iam::${account}:root$`))] }];
      const read = statement("bootstrap", `${environment}DeployRolesReadTheirStates`);
      expect(read).toMatchObject({ actions: ["s3:GetObject"], principals, condition: [{ test: "ArnEquals", variable: "aws:PrincipalArn", values: roles(environment, account) }] });
      expect(read.resources).toEqual([expect.stringMatching(new RegExp(`:s3:::${BUCKET}/platform/${environment}/\\*$`))]);
      expect(statement("bootstrap", `${environment}DeployRolesHoldTheirLocks`).resources).toEqual([expect.stringMatching(new RegExp(`/platform/${environment}/\\*\\.tflock$`))]);
      const write = statement("bootstrap", `${environment}ApplyRoleWritesTheirStates`);
      expect(write.condition[0].values).toEqual([roles(environment, account)[1]]);
      expect(statement("bootstrap", `${environment}DeployRolesListTheirPrefix`).condition).toContainEqual({ test: "StringLike", variable: "s3:prefix", values: [`platform/${environment}/*`] });
    }
    const keyPolicy = JSON.parse(Object.values<Json>(stack("bootstrap").resource.aws_kms_key)[0].policy);
    const crossAccount = keyPolicy.Statement.find((candidate: Json) => candidate.Sid === "OtherAccountsDeployRolesUseTheKeyThroughS3");
    expect(crossAccount.Action).toEqual(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]);
    expect(crossAccount.Condition.StringEquals["kms:ViaService"]).toMatch(/^s3\./);
    expect(crossAccount.Condition.ArnEquals["aws:PrincipalArn"]).toHaveLength(6);
  });

  it("creates each environment's deploy roles in its account, bounded, trusted by the pipeline's matching role and the named people only", () => {
    const account = stack(`account-${DEV_AND_STAGE}`);
    expect(account.provider.aws[0]).toMatchObject({ allowed_account_ids: [DEV_AND_STAGE], assume_role: [{ role_arn: `arn:aws:iam::${DEV_AND_STAGE}:role/OrganizationAccountAccessRole` }] });
    expect(account.terraform.backend.s3).toMatchObject({ bucket: BUCKET, key: `platform/accounts/${DEV_AND_STAGE}.tfstate` });
    const roles = Object.values<Json>(account.resource.aws_iam_role);
    // dev runs zip functions, so only stage (images) gets a backend deploy role.
    expect(roles.map((role) => role.name).sort()).toEqual([
      "platform-dev-deploy-apply",
      "platform-dev-deploy-plan",
      "platform-dev-frontend-publish",
      "platform-stage-backend-deploy",
      "platform-stage-deploy-apply",
      "platform-stage-deploy-plan",
      "platform-stage-frontend-publish",
    ]);
    for (const role of roles) expect(role.permissions_boundary).toMatch(/aws_iam_policy\.apply-boundary/);
    expect(Object.values<Json>(account.resource.aws_iam_policy).map((policy) => policy.name)).toContain("platform-deploy-apply-boundary");
    const trust = (kind: string) => documents(`account-${DEV_AND_STAGE}`).find((document) => document.statement[0].sid === "ThePipelineAndTheNamedPeople" && document.statement[0].condition[0].values[0].endsWith(`build-${kind}`))!;
    expect(trust("plan").statement[0].condition[0].values).toEqual([`arn:aws:iam::${TOOLING}:role/platform-delivery-build-plan`, `arn:aws:iam::${TOOLING}:role/platform-admins`]);
    expect(trust("apply").statement[0].condition[0].values).toEqual([`arn:aws:iam::${TOOLING}:role/platform-delivery-build-apply`, `arn:aws:iam::${TOOLING}:role/platform-admins`]);
  });

  it("plans and applies each environment's stacks through that environment's roles, and the pipeline may assume exactly those", () => {
    const pipeline = stack("pipeline");
    const [codepipeline] = Object.values<Json>(pipeline.resource.aws_codepipeline).filter((candidate) => candidate.name === "platform-delivery-infrastructure");
    const variables = (stage: string, action: string) =>
      Object.fromEntries(JSON.parse(codepipeline.stage.find((candidate: Json) => candidate.name === stage).action.find((candidate: Json) => candidate.name === action).configuration.EnvironmentVariables).map((variable: Json) => [variable.name, variable.value]));
    expect(variables("core-prod", "Plan").DEPLOY_ROLE_ARN).toBe(`arn:aws:iam::${PROD}:role/platform-prod-deploy-plan`);
    expect(variables("app-prod", "Apply").DEPLOY_ROLE_ARN).toBe(`arn:aws:iam::${PROD}:role/platform-prod-deploy-apply`);
    expect(variables("infra-stage", "Apply").DEPLOY_ROLE_ARN).toBe(`arn:aws:iam::${DEV_AND_STAGE}:role/platform-stage-deploy-apply`);
    expect(statement("pipeline", "PlanThroughTheEnvironmentAccountsPlanRoles").resources).toEqual([
      `arn:aws:iam::${DEV_AND_STAGE}:role/platform-dev-deploy-plan`,
      `arn:aws:iam::${DEV_AND_STAGE}:role/platform-stage-deploy-plan`,
      `arn:aws:iam::${PROD}:role/platform-prod-deploy-plan`,
    ]);
    expect(statement("pipeline", "ApplyThroughTheEnvironmentAccountsApplyRoles").resources).toHaveLength(3);
    // The boundary lets the pipeline assume only the project's roles of the environment accounts (one pattern per account: its size is capped).
    expect(statement("pipeline", "OnlyTheProjectsRolesArePassedTrustedOrAssumed").not_resources.slice(1)).toEqual([
      `arn:aws:iam::${DEV_AND_STAGE}:role/platform-*`,
      `arn:aws:iam::${PROD}:role/platform-*`,
    ]);
  });
});

describe("the backend and frontend pipelines across accounts", () => {
  let stacks: Map<string, StackJson>;
  beforeAll(() => {
    const run = runSynth(example());
    expect([run.status, run.stderr]).toEqual([0, ""]);
    stacks = readStacks(run);
  });
  const documents = (name: string): Json[] => Object.values((stacks.get(name) as Json).data?.aws_iam_policy_document ?? {});

  it("gives each step for an environment account only sts:AssumeRole on that environment's role there, named to the step in DEPLOY_ROLE_ARN", () => {
    const pipeline = stacks.get("pipeline") as Json;
    const projects = Object.values<Json>(pipeline.resource.aws_codebuild_project);
    const variable = (name: string) => projects.find((project) => project.name === name)!.environment.environment_variable.find((entry: Json) => entry.name === "DEPLOY_ROLE_ARN")?.value;
    expect(variable("platform-delivery-backend-deploy-prod")).toBe(`arn:aws:iam::${PROD}:role/platform-prod-backend-deploy`);
    expect(variable("platform-delivery-frontend-publish-dev")).toBe(`arn:aws:iam::${DEV_AND_STAGE}:role/platform-dev-frontend-publish`);
    const stepPolicy = documents("pipeline").find((document) => document.statement.some((statement: Json) => statement.sid === "ActThroughTheEnvironmentAccountsRole" && statement.resources[0].endsWith("platform-prod-backend-deploy")))!;
    const own = stepPolicy.statement.filter((statement: Json) => !/Logs|Artifact|PipelineKey|Report/i.test(statement.sid ?? ""));
    expect(own.flatMap((statement: Json) => statement.actions)).toEqual(["sts:AssumeRole"]);
  });

  it("holds the step's grants in the environment account, trusted by that step's role only", () => {
    const account = stacks.get(`account-${PROD}`) as Json;
    const roles = Object.values<Json>(account.resource.aws_iam_role).map((role) => role.name).sort();
    expect(roles).toEqual(["platform-prod-backend-deploy", "platform-prod-deploy-apply", "platform-prod-deploy-plan", "platform-prod-frontend-publish"]);
    const trust = documents(`account-${PROD}`).find((document) => document.statement[0].sid === "ThePipelinesStepForThisEnvironment" && document.statement[0].condition[0].values[0].endsWith("backend-deploy-prod"))!;
    expect(trust.statement[0].condition).toEqual([{ test: "ArnEquals", variable: "aws:PrincipalArn", values: [`arn:aws:iam::${TOOLING}:role/platform-delivery-backend-deploy-prod`] }]);
    const grants = documents(`account-${PROD}`).flatMap((document) => document.statement).map((statement: Json) => statement.sid);
    expect(grants).toEqual(expect.arrayContaining(["RollTheFunction", "ReadTheImage", "WriteTheSiteBucket", "InvalidateTheSite"]));
  });

  it("lets the environment's image repository admit the pipeline's build role from the state account for pushes only", () => {
    const policy = JSON.parse(Object.values<Json>((stacks.get("infra-prod") as Json).resource.aws_ecr_repository_policy)[0].policy);
    const push = policy.Statement.find((statement: Json) => statement.Sid === "ThePipelinesBuildPushesFromItsAccount");
    expect(push.Principal).toEqual({ AWS: [`arn:aws:iam::${TOOLING}:root`] });
    expect(push.Condition).toEqual({ ArnEquals: { "aws:PrincipalArn": [`arn:aws:iam::${TOOLING}:role/platform-delivery-backend-build`] } });
    expect(push.Action).not.toContain("ecr:DeleteRepository");
    expect(push.Action).not.toContain("ecr:SetRepositoryPolicy");
  });
});

describe("the single-account layout stays as it was", () => {
  it("has no account stacks, no deploy roles, no workspace prefix and a bucket that admits no other account", () => {
    const shipped = synthesizeStacks();
    expect([...shipped.keys()].filter((name) => name.startsWith("account-"))).toEqual([]);
    expect((shipped.get("core-dev") as Json).terraform.backend.s3.workspace_key_prefix).toBeUndefined();
    const deny = Object.values<Json>((shipped.get("bootstrap") as Json).data.aws_iam_policy_document)
      .flatMap((document) => document.statement)
      .find((candidate: Json) => candidate.sid === "DenyOtherAccounts");
    expect(deny.condition).toHaveLength(1);
    expect(JSON.stringify(shipped.get("pipeline"))).not.toContain("DEPLOY_ROLE_ARN");
  });
});
