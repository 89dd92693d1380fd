import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import { type DeliveryConfig, loadDeliveryConfig } from "../../src/config/delivery-schema";
import { loadPlatformConfig } from "../../src/config/load";
import { PipelineStack } from "../../src/stacks/pipeline-stack";
import { REPOSITORY_ROOT } from "../support/project";

const config = loadPlatformConfig(REPOSITORY_ROOT);
const shipped = loadDeliveryConfig(REPOSITORY_ROOT)!;
type Json = Record<string, any>;

function synth(change: (delivery: DeliveryConfig) => DeliveryConfig = (d) => d): Json {
  const delivery = change({ ...shipped, backend: { enabled: true }, frontend: { enabled: true, outputDir: "dist/site" } });
  const stack = new PipelineStack(Testing.app(), { project: config.project, state: config.state, delivery, environments: config.environments });
  return JSON.parse(Testing.synth(stack));
}
const pipelineNamed = (stack: Json, name: string): Json => {
  const found = (Object.values(stack.resource.aws_codepipeline) as Json[]).find((pipeline) => pipeline.name === name);
  if (!found) throw new Error(`no pipeline ${name}`);
  return found;
};
const projectNamed = (stack: Json, name: string): Json => {
  const found = (Object.values(stack.resource.aws_codebuild_project) as Json[]).find((project) => project.name === name);
  if (!found) throw new Error(`no project ${name}`);
  return found;
};
/** The inline policy statements of the role a project runs as. */
function statementsOf(stack: Json, project: Json): Json[] {
  const roleId = /^\$\{aws_iam_role\.([^.]+)\.arn\}$/.exec(project.service_role)![1];
  return (Object.values(stack.resource.aws_iam_role_policy) as Json[])
    .filter((policy) => policy.role === `\${aws_iam_role.${roleId}.id}`)
    .flatMap((policy) => stack.data.aws_iam_policy_document[/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(policy.policy)![1]].statement as Json[]);
}
const variablesOf = (project: Json) => Object.fromEntries(project.environment.environment_variable.map((v: Json) => [v.name, v.value]));
const imageEnvironments = shipped.environments.map((name) => config.environments.find((e) => e.name === name)!).filter((e) => e.compute.kind === "ecs" || e.compute.packaging === "image");

describe("backend and frontend pipelines", () => {
  const stack = synth();

  it("are off unless delivery.config.json enables them", () => {
    const off = { ...shipped, backend: { enabled: false }, frontend: { ...shipped.frontend, enabled: false } };
    const plain = JSON.parse(Testing.synth(new PipelineStack(Testing.app(), { project: config.project, state: config.state, delivery: off, environments: config.environments })));
    expect(Object.values(plain.resource.aws_codepipeline).map((p: any) => p.name)).toEqual(["platform-delivery-infrastructure"]);
    expect(Object.values(stack.resource.aws_codepipeline).map((p: any) => p.name).sort()).toEqual([
      "platform-delivery-backend",
      "platform-delivery-frontend",
      "platform-delivery-infrastructure",
    ]);
  });

  it("backend: Source, Build, then deploys the image environments in promotion order, approval before prod", () => {
    expect(imageEnvironments.map((e) => e.name)).toEqual(["stage", "prod"]);
    const backend = pipelineNamed(stack, "platform-delivery-backend");
    expect(backend).toMatchObject({ pipeline_type: "V2", execution_mode: "QUEUED", artifact_store: [{ encryption_key: { type: "KMS" } }] });
    expect(backend.stage.map((s: Json) => s.name)).toEqual(["Source", "Build", "deploy-stage", "deploy-prod"]);
    expect(backend.stage[0].action[0].configuration).toMatchObject({ FullRepositoryId: shipped.repository, BranchName: shipped.branch });
    expect(backend.stage[1].action).toEqual([expect.objectContaining({ input_artifacts: ["source"], output_artifacts: ["image"] })]);
    const [stage, prod] = backend.stage.slice(2);
    expect(stage.action.map((a: Json) => [a.name, a.run_order])).toEqual([["Deploy", 1]]);
    expect(prod.action.map((a: Json) => [a.name, a.category, a.run_order])).toEqual([
      ["Approve", "Approval", 1],
      ["Deploy", "Build", 2],
    ]);
    expect(prod.action[1].input_artifacts).toEqual(["image"]);
  });

  it("backend: builds on ARM with Docker, pushes only to the environment repositories", () => {
    const build = projectNamed(stack, "platform-delivery-backend-build");
    expect(build.environment).toMatchObject({ type: "ARM_CONTAINER", image: "aws/codebuild/amazonlinux-aarch64-standard:3.0", privileged_mode: true });
    expect(build.source.buildspec).toContain("      - bash scripts/ci/backend-build.sh\n");
    // stage and prod run the Python app from an image.
    expect([variablesOf(build).RUNTIME, variablesOf(build).DOCKERFILE]).toEqual(["python", "app/Dockerfile"]);
    expect(variablesOf(build).IMAGE_REPOSITORIES.split(" ")).toEqual([
      expect.stringMatching(/\.dkr\.ecr\.eu-west-1\.\$\{data\.aws_partition\.[^}]+\.dns_suffix\}\/platform-stage-api$/),
      expect.stringMatching(/\/platform-prod-api$/),
    ]);
    const push = statementsOf(stack, build).find((s) => s.actions.includes("ecr:PutImage"))!;
    expect(push.resources).toEqual([expect.stringMatching(/:ecr:eu-west-1:.*:repository\/platform-stage-api$/), expect.stringMatching(/:repository\/platform-prod-api$/)]);
    for (const project of Object.values(stack.resource.aws_codebuild_project) as Json[]) {
      if (project.name !== "platform-delivery-backend-build") expect([project.name, project.environment.privileged_mode]).toEqual([project.name, false]);
    }
  });

  it("backend: each deploy role may roll only its own environment's function", () => {
    for (const environment of ["stage", "prod"]) {
      const deploy = projectNamed(stack, `platform-delivery-backend-deploy-${environment}`);
      expect(variablesOf(deploy)).toMatchObject({ DEPLOY_TARGET: "lambda", FUNCTION_NAME: `platform-${environment}-api`, AWS_REGION: "eu-west-1" });
      const commands = (deploy.source.buildspec as string).split("\n").filter((line) => line.startsWith("      - "));
      expect(commands).toEqual(["      - bash scripts/ci/backend-deploy.sh", "      - bash scripts/ci/backend-check-health.sh"]);
      const statements = statementsOf(stack, deploy);
      const update = statements.find((s) => s.actions.includes("lambda:UpdateFunctionCode"))!;
      expect(update.resources).toEqual([expect.stringMatching(new RegExp(`:lambda:eu-west-1:[^:]+:function:platform-${environment}-api$`))]);
      const everything = JSON.stringify(statements);
      for (const other of ["dev", "stage", "prod"].filter((name) => name !== environment)) expect(everything).not.toContain(`platform-${other}-`);
      expect(statements.filter((s) => s.resources.includes("*")).flatMap((s) => s.actions)).toEqual(["cloudfront:ListDistributions"]);
    }
  });

  it("backend: an ECS environment gets a task definition revision, its service and PassRole on its two task roles only", () => {
    const ecsConfig = { ...config, environments: config.environments.map((e) => (e.name === "stage" ? { ...e, compute: { ...e.compute, kind: "ecs" as const } } : e)) };
    const ecsStack = JSON.parse(
      Testing.synth(
        new PipelineStack(Testing.app(), {
          project: config.project,
          state: config.state,
          delivery: { ...shipped, backend: { enabled: true }, frontend: { enabled: false, outputDir: "dist/site" } },
          environments: ecsConfig.environments,
        }),
      ),
    );
    const deploy = projectNamed(ecsStack, "platform-delivery-backend-deploy-stage");
    expect(variablesOf(deploy)).toMatchObject({ DEPLOY_TARGET: "ecs", CLUSTER_NAME: "platform-stage-cluster", SERVICE_NAME: "platform-stage-api", TASK_FAMILY: "platform-stage-api" });
    const statements = statementsOf(ecsStack, deploy);
    expect(statements.find((s) => s.sid === "PassOnlyTheTaskRoles")).toMatchObject({
      resources: [expect.stringMatching(/:role\/platform-stage-api-task$/), expect.stringMatching(/:role\/platform-stage-api-task-execution$/)],
      condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: [expect.stringMatching(/^ecs-tasks\./)] }],
    });
    expect(statements.find((s) => s.sid === "RollTheService")!.resources).toEqual([expect.stringMatching(/:ecs:eu-west-1:[^:]+:service\/platform-stage-cluster\/platform-stage-api$/)]);
    expect(JSON.stringify(statements)).not.toContain("lambda:UpdateFunctionCode");
  });

  /** The pipeline stack with only the backend pipeline, over `environments`. */
  const backendPipelineOver = (environments: typeof config.environments) =>
    new PipelineStack(Testing.app(), {
      project: config.project,
      state: config.state,
      delivery: { ...shipped, backend: { enabled: true }, frontend: { enabled: false, outputDir: "dist/site" } },
      environments,
    });

  it("backend: refuses to exist when no environment takes images", () => {
    const zipOnly = config.environments.map((e) => ({ ...e, compute: { ...e.compute, kind: "lambda" as const, packaging: "zip" as const } }));
    expect(() => backendPipelineOver(zipOnly)).toThrow(/no environment of dev, stage, prod runs the API from an image/);
  });

  it("backend: builds one image, so the environments it deploys must share compute.runtime", () => {
    const mixed = config.environments.map((e) => (e.name === "prod" ? { ...e, compute: { ...e.compute, runtime: "node" as const } } : e));
    expect(() => backendPipelineOver(mixed)).toThrow(/stage runs python, prod runs node; give them the same compute.runtime/);
  });

  it("frontend: Source, Build, then publishes every environment in order, approval before prod (and stage when asked)", () => {
    const frontend = pipelineNamed(stack, "platform-delivery-frontend");
    expect(frontend.stage.map((s: Json) => s.name)).toEqual(["Source", "Build", "publish-dev", "publish-stage", "publish-prod"]);
    const approvals = frontend.stage.filter((stage: Json) => stage.action.some((a: Json) => a.category === "Approval")).map((stage: Json) => stage.name);
    expect(approvals).toEqual(["publish-prod"]);
    const gated = pipelineNamed(synth((d) => ({ ...d, approvalBefore: ["stage", "prod"] })), "platform-delivery-frontend");
    expect(gated.stage.filter((stage: Json) => stage.action.some((a: Json) => a.category === "Approval")).map((stage: Json) => stage.name)).toEqual(["publish-stage", "publish-prod"]);
    expect(frontend.stage[1].action[0]).toMatchObject({ input_artifacts: ["source"], output_artifacts: ["site"] });
    expect(projectNamed(stack, "platform-delivery-frontend-build").source.buildspec).toContain('    - "dist/site/**/*"');
  });

  it("frontend: each publish role writes only its own site bucket and uses only its own key", () => {
    for (const environment of ["dev", "stage", "prod"]) {
      const publish = projectNamed(stack, `platform-delivery-frontend-publish-${environment}`);
      expect(variablesOf(publish)).toMatchObject({ SITE_BUCKET: expect.stringMatching(new RegExp(`^platform-${environment}-site-\\$\\{data\\.aws_caller_identity`)), DISTRIBUTION_COMMENT: `platform-${environment} site and API` });
      const statements = statementsOf(stack, publish);
      expect(statements.find((s) => s.sid === "WriteTheSiteBucket")!.resources).toEqual([expect.stringMatching(new RegExp(`^arn:.*:s3:::platform-${environment}-site-.*/\\*$`))]);
      expect(statements.find((s) => s.sid === "InvalidateTheSite")!.actions).toContain("cloudfront:CreateInvalidation");
      const key = statements.find((s) => s.sid === "UseTheEnvironmentKeyThroughS3")!;
      expect(key.condition).toEqual(expect.arrayContaining([{ test: "ForAnyValue:StringEquals", variable: "kms:ResourceAliases", values: [`alias/platform-${environment}`] }]));
      const everything = JSON.stringify(statements);
      for (const other of ["dev", "stage", "prod"].filter((name) => name !== environment)) expect(everything).not.toContain(`platform-${other}-`);
      expect(everything).not.toMatch(/"s3:\*"|"cloudfront:\*"|"kms:\*"/);
    }
  });

  it("trusts CodeBuild and CodePipeline of this account only", () => {
    for (const name of ["platform-delivery-backend-pipeline", "platform-delivery-frontend-pipeline", "platform-delivery-backend-deploy-prod", "platform-delivery-frontend-publish-prod"]) {
      const role = (Object.values(stack.resource.aws_iam_role) as Json[]).find((r) => r.name === name)!;
      const trust = stack.data.aws_iam_policy_document[/data\.aws_iam_policy_document\.([^.]+)\.json/.exec(role.assume_role_policy)![1]];
      expect([name, trust.statement[0].condition]).toEqual([name, [{ test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringMatching(/aws_caller_identity/)] }]]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The scripts, run for real against a fake `aws` (and `docker`) that record their arguments.

const script = (name: string) => join(REPOSITORY_ROOT, "scripts", "ci", name);
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** A bin directory with fakes of `names`, each appending its argv (one line, NUL-free) to calls.log. */
function fakes(outputs: Record<string, string> = {}): { bin: string; calls: () => string[] } {
  const work = mkdtempSync(join(tmpdir(), "platform-app-delivery-"));
  const bin = join(work, "bin");
  mkdirSync(bin);
  const log = join(work, "calls.log");
  for (const name of ["aws", "docker"]) {
    // Answers by the first words of the call: e.g. "aws cloudfront list-distributions".
    const cases = Object.entries(outputs)
      .filter(([key]) => key.startsWith(`${name} `))
      .map(([key, value]) => `  "${key.slice(name.length + 1)}"*) printf '%s\\n' '${value}' ;;`)
      .join("\n");
    writeFileSync(join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >>"${log}"\ncase "$*" in\n${cases}\n  *) ;;\nesac\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []) };
}

function bash(file: string, env: Record<string, string>, cwd = REPOSITORY_ROOT) {
  const run = spawnSync("bash", [file], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}
const withBin = (bin: string) => `${bin}:${process.env.PATH}`;

const afterCleanup: string[] = [];
describe("scripts/ci backend and frontend", () => {
  afterAll(() => {
    for (const path of [...afterCleanup, join(REPOSITORY_ROOT, "build", "api-image")]) rmSync(path, { recursive: true, force: true });
  });
  it("backend-deploy.sh rolls the function to repository@digest and waits", () => {
    const { bin, calls } = fakes();
    const work = mkdtempSync(join(tmpdir(), "platform-deploy-"));
    writeFileSync(join(work, "image.env"), `IMAGE_TAG=abc123\nIMAGE_DIGEST=${DIGEST}\n`);
    const repository = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-stage-api";
    const run = bash(script("backend-deploy.sh"), { PATH: withBin(bin), DEPLOY_TARGET: "lambda", FUNCTION_NAME: "platform-stage-api", REPOSITORY_URI: repository }, work);
    expect([run.status, run.output]).toEqual([0, expect.stringContaining(`function platform-stage-api runs ${repository}@${DIGEST}`)]);
    expect(calls()).toEqual([
      `aws lambda update-function-code --function-name platform-stage-api --image-uri ${repository}@${DIGEST} --publish --output text --query LastUpdateStatus`,
      "aws lambda wait function-updated --function-name platform-stage-api",
    ]);
    expect(run.output).toContain("+ aws lambda update-function-code");
  });

  it("backend-deploy.sh registers a revision with the new image and waits for the ECS service", () => {
    const current = JSON.stringify({ family: "platform-stage-api", revision: 3, status: "ACTIVE", taskDefinitionArn: "arn:x", containerDefinitions: [{ name: "api", image: "old" }] });
    const { bin, calls } = fakes({
      "aws ecs describe-task-definition": current,
      "aws ecs register-task-definition": "arn:aws:ecs:eu-west-1:123456789012:task-definition/platform-stage-api:4",
    });
    const run = bash(script("backend-deploy.sh"), {
      PATH: withBin(bin),
      DEPLOY_TARGET: "ecs",
      IMAGE_DIGEST: DIGEST,
      REPOSITORY_URI: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-stage-api",
      CLUSTER_NAME: "platform-stage-cluster",
      SERVICE_NAME: "platform-stage-api",
      TASK_FAMILY: "platform-stage-api",
    });
    expect(run.status).toBe(0);
    const log = calls();
    expect(log[0]).toBe("aws ecs describe-task-definition --task-definition platform-stage-api --query taskDefinition --output json");
    expect(log[1]).toMatch(/^aws ecs register-task-definition --cli-input-json file:\/\/.*\/next\.json /);
    expect(log.slice(2)).toEqual([
      "aws ecs update-service --cluster platform-stage-cluster --service platform-stage-api --task-definition arn:aws:ecs:eu-west-1:123456789012:task-definition/platform-stage-api:4 --query service.serviceName --output text",
      "aws ecs wait services-stable --cluster platform-stage-cluster --services platform-stage-api",
    ]);
  });

  it("backend-deploy.sh says what is missing and calls nothing", () => {
    const { bin, calls } = fakes();
    const base = { PATH: withBin(bin), REPOSITORY_URI: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-stage-api" };
    expect(bash(script("backend-deploy.sh"), { PATH: withBin(bin) })).toEqual({ status: 1, output: expect.stringContaining("set DEPLOY_TARGET to lambda or ecs") });
    expect(bash(script("backend-deploy.sh"), { ...base, DEPLOY_TARGET: "lambda" }, tmpdir())).toEqual({ status: 1, output: expect.stringContaining("set IMAGE_DIGEST, or run scripts/ci/backend-build.sh first") });
    expect(bash(script("backend-deploy.sh"), { ...base, DEPLOY_TARGET: "lambda", IMAGE_DIGEST: "latest" })).toEqual({ status: 1, output: expect.stringContaining("must be sha256:<64 hex digits>") });
    expect(bash(script("backend-deploy.sh"), { ...base, DEPLOY_TARGET: "lambda", IMAGE_DIGEST: DIGEST })).toEqual({ status: 1, output: expect.stringContaining("set FUNCTION_NAME") });
    expect(calls()).toEqual([]);
  });

  it("backend-build.sh builds for arm64, pushes the commit tag to every repository and writes the digest", () => {
    const { bin, calls } = fakes({ "docker login": "Login Succeeded", "aws ecr get-login-password": "token" });
    // describe-images answers nothing before the push and the digest after it.
    const marker = join(mkdtempSync(join(tmpdir(), "platform-marker-")), "pushed");
    writeFileSync(
      join(bin, "aws"),
      `#!/usr/bin/env bash\necho "aws $*" >>"${join(bin, "..", "calls.log")}"\ncase "$*" in\n  "ecr describe-images"*) [ -f "${marker}" ] && echo "${DIGEST}" || echo None ;;\n  "ecr get-login-password"*) echo token ;;\nesac\n`,
    );
    // `docker login --password-stdin` reads the piped token, as the real one does: a fake that left it
    // unread would make the pipe's writer die of SIGPIPE (exit 141 under pipefail) now and then.
    writeFileSync(join(bin, "docker"), `#!/usr/bin/env bash\necho "docker $*" >>"${join(bin, "..", "calls.log")}"\ncase "$1" in login) cat >/dev/null ;; push) touch "${marker}" ;; esac\n`);
    const out = join(mkdtempSync(join(tmpdir(), "platform-image-")), "image.env");
    const repositories = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-stage-api", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-prod-api"];
    const run = bash(script("backend-build.sh"), { PATH: withBin(bin), IMAGE_REPOSITORIES: repositories.join(" "), IMAGE_TAG: "abc123", IMAGE_FILE: out });
    expect([run.status, run.output]).toEqual([0, expect.stringContaining(`image abc123 is ${DIGEST}`)]);
    expect(readFileSync(out, "utf8")).toBe(`IMAGE_TAG=abc123\nIMAGE_DIGEST=${DIGEST}\n`);
    const log = calls();
    // The Python app by default: app/Dockerfile installs and copies what it needs itself, nothing is staged.
    expect(log).toContain("docker build --platform linux/arm64 --file app/Dockerfile --tag api:abc123 .");
    expect(log).toContain(`docker push ${repositories[0]}:abc123`);
    // The second repository already reports the digest (the fake is shared): no second push.
    expect(log.filter((call) => call.startsWith("docker push"))).toEqual([`docker push ${repositories[0]}:abc123`]);
    rmSync(join(REPOSITORY_ROOT, "build", "api-image"), { recursive: true, force: true });
    const node = bash(script("backend-build.sh"), { PATH: withBin(bin), IMAGE_REPOSITORIES: repositories.join(" "), IMAGE_TAG: "abc124", IMAGE_FILE: out, RUNTIME: "node" });
    expect(node.status).toBe(0);
    expect(calls()).toContain("docker build --platform linux/arm64 --file Dockerfile.api --tag api:abc124 .");
    expect(readdirSync(join(REPOSITORY_ROOT, "build", "api-image", "api")).sort()).toEqual(["index.js", "server.js"]);
    expect(existsSync(join(REPOSITORY_ROOT, "build", "api-image", "layer", "nodejs", "node_modules", "@serverless-platform", "runtime", "index.js"))).toBe(true);
    expect(bash(script("backend-build.sh"), { PATH: withBin(bin), IMAGE_REPOSITORIES: repositories[0], IMAGE_TAG: "abc125", RUNTIME: "ruby" })).toEqual({
      status: 1,
      output: expect.stringContaining("RUNTIME 'ruby' is neither python nor node"),
    });
    expect(bash(script("backend-build.sh"), { PATH: withBin(bin) })).toEqual({ status: 1, output: expect.stringContaining("set IMAGE_REPOSITORIES") });
    expect(bash(script("backend-build.sh"), { PATH: withBin(bin), IMAGE_REPOSITORIES: repositories[0] })).toEqual({ status: 1, output: expect.stringContaining("set IMAGE_TAG") });
  }, 60_000);

  describe("backend-check-health.sh against a local server", () => {
    let port = 0;
    let server: ReturnType<typeof spawn>;
    beforeAll(async () => {
      // Answers 503 twice, then 200, on /api/health; /down always 503.
      const code = `
import http.server, socketserver, sys
hits = {"n": 0}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/api/health":
            hits["n"] += 1
            status = 200 if hits["n"] > 2 else 503
        else:
            status = 503
        self.send_response(status); self.end_headers(); self.wfile.write(b"{}")
    def log_message(self, *args): pass
s = socketserver.TCPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
`;
      server = spawn("python3", ["-c", code], { stdio: ["ignore", "pipe", "inherit"] });
      port = await new Promise<number>((resolve) => server.stdout!.once("data", (data) => resolve(Number(String(data).trim()))));
    });
    afterAll(() => server.kill());

    it("retries until the API answers 200", () => {
      const run = bash(script("backend-check-health.sh"), { SITE_URL: `http://127.0.0.1:${port}`, HEALTH_ATTEMPTS: "5", HEALTH_INTERVAL: "0" });
      expect([run.status, run.output]).toEqual([0, expect.stringContaining(`http://127.0.0.1:${port}/api/health answered 200 (attempt 3 of 5)`)]);
      expect(run.output).toContain("answered 503 (attempt 1 of 5)");
    });

    it("fails when it never does", () => {
      const run = bash(script("backend-check-health.sh"), { SITE_URL: `http://127.0.0.1:${port}`, HEALTH_PATH: "/down", HEALTH_ATTEMPTS: "2", HEALTH_INTERVAL: "0" });
      expect([run.status, run.output]).toEqual([1, expect.stringContaining("/down did not answer 200 after 2 attempts")]);
    });

    it("looks the site up by the distribution comment, and needs one of the two", () => {
      const { bin, calls } = fakes({ "aws cloudfront list-distributions": "127.0.0.1" });
      const run = bash(script("backend-check-health.sh"), { PATH: withBin(bin), DISTRIBUTION_COMMENT: "platform-stage site and API", HEALTH_ATTEMPTS: "1", HEALTH_TIMEOUT: "2" });
      expect(calls()).toEqual([`aws cloudfront list-distributions --query DistributionList.Items[?Comment=='platform-stage site and API'].DomainName --output text`]);
      expect(run.output).toContain("https://127.0.0.1/api/health");
      expect(bash(script("backend-check-health.sh"), {})).toEqual({ status: 1, output: expect.stringContaining("set SITE_URL") });
    });
  });

  it("frontend-build.sh copies site/ and fingerprints its assets; frontend-publish.sh syncs with cache headers and invalidates", () => {
    const out = `build/test-site-${process.pid}`;
    const built = bash(script("frontend-build.sh"), { OUTPUT_DIR: out });
    expect(built.status).toBe(0);
    const files = readdirSync(join(REPOSITORY_ROOT, out)).sort();
    expect(files).toEqual([expect.stringMatching(/^app\.[0-9a-f]{8}\.css$/), expect.stringMatching(/^app\.[0-9a-f]{8}\.js$/), "index.html"]);
    const html = readFileSync(join(REPOSITORY_ROOT, out, "index.html"), "utf8");
    expect(html).toContain(`src="/${files[1]}"`);
    expect(html).toContain(`href="/${files[0]}"`);
    afterCleanup.push(join(REPOSITORY_ROOT, out));

    const { bin, calls } = fakes({ "aws cloudfront list-distributions": "E2ABCDEF123456" });
    const run = bash(script("frontend-publish.sh"), { PATH: withBin(bin), SITE_BUCKET: "platform-stage-site-123456789012", DISTRIBUTION_COMMENT: "platform-stage site and API", SITE_DIR: out });
    expect([run.status, run.output]).toEqual([0, expect.stringContaining("published")]);
    expect(calls()).toEqual([
      "aws cloudfront list-distributions --query DistributionList.Items[?Comment=='platform-stage site and API'].Id --output text",
      `aws s3 sync ${out} s3://platform-stage-site-123456789012 --only-show-errors --exclude * --include *.????????.* --cache-control public, max-age=31536000, immutable`,
      `aws s3 sync ${out} s3://platform-stage-site-123456789012 --only-show-errors --delete --exclude *.????????.* --cache-control no-cache`,
      "aws cloudfront create-invalidation --distribution-id E2ABCDEF123456 --paths /index.html / --query Invalidation.Id --output text",
    ]);
  });

  it("frontend scripts say what is missing", () => {
    const { bin, calls } = fakes();
    expect(bash(script("frontend-publish.sh"), { PATH: withBin(bin) })).toEqual({ status: 1, output: expect.stringContaining("set SITE_BUCKET") });
    expect(bash(script("frontend-publish.sh"), { PATH: withBin(bin), SITE_BUCKET: "b", SITE_DIR: "/nonexistent" })).toEqual({ status: 1, output: expect.stringContaining("run scripts/ci/frontend-build.sh first") });
    expect(bash(script("frontend-build.sh"), { OUTPUT_DIR: "../outside" })).toEqual({ status: 1, output: expect.stringContaining("OUTPUT_DIR must be a directory inside the repository") });
    const { bin: empty } = fakes({ "aws cloudfront list-distributions": "" });
    expect(bash(script("frontend-publish.sh"), { PATH: withBin(empty), SITE_BUCKET: "b", SITE_DIR: "site", DISTRIBUTION_COMMENT: "nothing" })).toEqual({ status: 1, output: expect.stringContaining("no single distribution has the comment 'nothing'") });
    expect(calls()).toEqual([]);
  });
});
