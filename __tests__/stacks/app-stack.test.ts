import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { projectCopy, withEnvironment } from "../support/project";
import { readStacks, resourcesOf, runSynth, type StackJson } from "../support/synth";

let stacks: Map<string, StackJson>;
let outdir: string;

beforeAll(() => {
  // The repository's environments plus the ECS example copied in, as the README tells users to, and
  // a copy of dev on the TypeScript handlers (compute.runtime "node") behind RDS Proxy.
  const configDir = projectCopy((project) => {
    withEnvironment("ecs", "environments/examples/ecs.json")(project);
    withEnvironment("devnode", "environments/dev.json")(project);
    const devnode = project.read("environments/devnode.json") as { compute: Record<string, unknown>; network: Record<string, unknown> };
    devnode.compute.runtime = "node";
    // The TypeScript handlers do not ask for dual-stack endpoints, so this copy keeps IPv4 egress.
    devnode.network.ipv6Egress = false;
    devnode.network.interfaceEndpoints = true;
    (devnode as Record<string, any>).database = { ...(devnode as Record<string, any>).database, rdsProxy: true, minCapacity: 0.5 };
    devnode.network.vpcCidr = "10.21.0.0/16";
    project.write("environments/devnode.json", devnode);
  });
  const run = runSynth(configDir);
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  stacks = readStacks(run.outdir);
  outdir = run.outdir;
});

const bodies = (stack: string, type: string) => resourcesOf(stacks.get(stack)!).filter(([candidate]) => candidate === type).map(([, , body]) => body);
const policyOf = (stack: string, role: string) => {
  const document = Object.entries<any>(stacks.get(stack)!.data.aws_iam_policy_document).find(([name]) => name.startsWith(`${role}_grants`))![1];
  return document.statement as { sid: string; actions: string[]; resources: string[] }[];
};

describe("AppStack with Lambda", () => {
  it("runs the Python app's API, worker and producer in dev from one code zip on python3.13, each at its entry point, with the dependency layer", () => {
    const functions = bodies("app-dev", "aws_lambda_function");
    expect(Object.fromEntries(functions.map((fn) => [fn.function_name, fn.handler]))).toEqual({
      "platform-dev-api": "platform_app.lambda_api.handler",
      "platform-dev-worker": "platform_app.lambda_worker.handler",
      "platform-dev-producer": "platform_app.lambda_producer.handler",
    });
    for (const fn of functions) {
      expect(fn).toMatchObject({ runtime: "python3.13", package_type: "Zip", architectures: ["arm64"], tracing_config: { mode: "Active" } });
      expect(fn.layers).toEqual([expect.stringMatching(/^\$\{aws_lambda_layer_version\.dependencies-layer_[0-9A-F]+\.arn\}$/)]);
      expect(fn.vpc_config.subnet_ids).toHaveLength(2);
    }
    // One code zip for the three functions, so one upload and one hash.
    expect(new Set(functions.map((fn) => fn.filename)).size).toBe(1);
    expect(bodies("app-dev", "aws_lambda_layer_version")).toEqual([
      expect.objectContaining({ layer_name: "platform-dev-python-deps", compatible_runtimes: ["python3.13"], compatible_architectures: ["arm64"] }),
    ]);
  });

  it("names, as each Python function's handler, a function that its own code zip defines", () => {
    for (const fn of bodies("app-dev", "aws_lambda_function")) {
      const zip = join(outdir, "stacks", "app-dev", fn.filename);
      const [module, attribute] = [fn.handler.slice(0, fn.handler.lastIndexOf(".")), fn.handler.slice(fn.handler.lastIndexOf(".") + 1)];
      const read = spawnSync("python3", ["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", zip, `${module.replace(/\./g, "/")}.py`], { encoding: "utf8" });
      expect([fn.function_name, read.status, read.stderr]).toEqual([fn.function_name, 0, ""]);
      expect(read.stdout).toMatch(new RegExp(`^(def ${attribute}\\(|${attribute}\\s*=)`, "m"));
    }
  });

  it("runs dev's functions with IPv6 egress: dual-stack subnets, an egress-only gateway, no interface endpoint, the parameters handed over", () => {
    const devFunctions = bodies("app-dev", "aws_lambda_function");
    expect(devFunctions).toHaveLength(3);
    for (const fn of devFunctions) {
      expect(fn.vpc_config.ipv6_allowed_for_dual_stack).toBe(true);
      // Secrets Manager and SQS document dual-stack endpoints; SSM does not (src/config/dual-stack.ts).
      expect(fn.environment.variables.PLATFORM_DUALSTACK_SERVICES).toBe("secretsmanager,sqs");
      // So the values infra publishes under the path come in the environment, from infra's state, and no SSM call is made.
      const handedOver: string = fn.environment.variables.PLATFORM_PARAMETERS;
      expect(handedOver).toMatch(/^\$\{jsonencode\(\{.*\}\)\}$/);
      const keys = [...handedOver.matchAll(/"([a-z-]+\/[a-z-]+)" = /g)].map((match) => match[1]).sort();
      expect(keys).toEqual([
        "app/secret-arn",
        "cache/endpoint",
        "database/auth",
        "database/endpoint",
        "database/name",
        "database/port",
        "database/reader-endpoint",
        "database/secret-arn",
        "database/user",
        // The origin check's secret: without it the API would refuse everything (fail closed).
        "edge/origin-secret-arn",
        "media/bucket",
        "queue/url",
      ]);
      expect(handedOver).toContain("data.terraform_remote_state.cross-stack-reference-input-infra-dev.outputs.");
      expect(fn.environment.variables.PLATFORM_PARAMETERS_PATH).toBe("/platform/dev");
    }
    // Nothing left to read from SSM: the dev functions' grants name no parameter action.
    for (const role of ["api", "worker", "producer"]) {
      expect(policyOf("app-dev", role).flatMap((statement) => statement.actions).filter((action) => action.startsWith("ssm:"))).toEqual([]);
      expect(policyOf("app-stage", role).flatMap((statement) => statement.actions)).toEqual(expect.arrayContaining(["ssm:GetParametersByPath"]));
    }
    const stageFunctions = bodies("app-stage", "aws_lambda_function");
    expect(stageFunctions).toHaveLength(3);
    for (const fn of stageFunctions) {
      expect(fn.vpc_config.ipv6_allowed_for_dual_stack).toBeUndefined();
      expect(fn.environment.variables.PLATFORM_DUALSTACK_SERVICES).toBeUndefined();
      expect(fn.environment.variables.PLATFORM_PARAMETERS).toBeUndefined();
    }
    expect(bodies("infra-dev", "aws_vpc")[0].assign_generated_ipv6_cidr_block).toBe(true);
    expect(bodies("infra-dev", "aws_egress_only_internet_gateway")).toHaveLength(1);
    const subnets = bodies("infra-dev", "aws_subnet");
    expect(subnets.filter((subnet) => subnet.tags.tier === "private").map((subnet) => subnet.ipv6_cidr_block)).toEqual([
      expect.stringMatching(/^\$\{cidrsubnet\(aws_vpc\.[^.]+\.ipv6_cidr_block, 8, 0\)\}$/),
      expect.stringMatching(/, 8, 1\)\}$/),
    ]);
    // Public and data tiers stay IPv4: nothing there leaves over IPv6.
    expect(subnets.filter((subnet) => subnet.tags.tier !== "private").map((subnet) => subnet.ipv6_cidr_block)).toEqual([undefined, undefined, undefined, undefined]);
    expect(bodies("infra-dev", "aws_route").filter((route) => route.destination_ipv6_cidr_block)).toEqual([
      expect.objectContaining({ destination_ipv6_cidr_block: "::/0", egress_only_gateway_id: expect.stringContaining("aws_egress_only_internet_gateway") }),
      expect.objectContaining({ destination_ipv6_cidr_block: "::/0", egress_only_gateway_id: expect.stringContaining("aws_egress_only_internet_gateway") }),
    ]);
    const endpoints = bodies("infra-dev", "aws_vpc_endpoint");
    expect(endpoints.map((endpoint) => [endpoint.vpc_endpoint_type, endpoint.service_name.split(".").pop()]).sort()).toEqual([
      ["Gateway", "dynamodb"],
      ["Gateway", "s3"],
    ]);
    expect(bodies("infra-stage", "aws_egress_only_internet_gateway")).toHaveLength(0);
    // IPv6: HTTPS out from the app only; nothing in from anywhere.
    expect(bodies("infra-dev", "aws_vpc_security_group_egress_rule").filter((rule) => rule.cidr_ipv6)).toEqual([
      expect.objectContaining({ cidr_ipv6: "::/0", from_port: 443, to_port: 443, ip_protocol: "tcp", security_group_id: expect.stringContaining("security-groups_app") }),
    ]);
    expect(bodies("infra-dev", "aws_vpc_security_group_ingress_rule").filter((rule) => rule.cidr_ipv6)).toEqual([]);
  });

  it("keeps the TypeScript handlers available as compute.runtime \"node\": a zip per handler on nodejs22.x with the shared runtime layer", () => {
    const functions = bodies("app-devnode", "aws_lambda_function");
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn).toMatchObject({ runtime: "nodejs22.x", handler: "index.handler", architectures: ["arm64"] });
    expect(new Set(functions.map((fn) => fn.filename)).size).toBe(3);
    expect(bodies("app-devnode", "aws_lambda_layer_version")).toEqual([expect.objectContaining({ layer_name: "platform-devnode-runtime", compatible_runtimes: ["nodejs22.x"] })]);
  });

  it("runs the API from its ECR image in prod, and the worker and producer from zips", () => {
    const byName = Object.fromEntries(bodies("app-prod", "aws_lambda_function").map((fn) => [fn.function_name, fn]));
    expect(byName["platform-prod-api"]).toMatchObject({ package_type: "Image", image_uri: expect.stringMatching(/:initial$/), reserved_concurrent_executions: 100 });
    // The backend pipeline rolls the image forward; Terraform must not roll it back.
    expect(byName["platform-prod-api"].lifecycle).toEqual({ ignore_changes: ["image_uri"] });
    expect(byName["platform-prod-worker"].lifecycle).toBeUndefined();
    expect(byName["platform-prod-worker"].package_type ?? "Zip").toBe("Zip");
  });

  it("routes only /api and /api/* (what CloudFront forwards) to the API with payload format 2.0", () => {
    expect(bodies("app-dev", "aws_apigatewayv2_route").map((route) => route.route_key).sort()).toEqual(["ANY /api", "ANY /api/{proxy+}"]);
    expect(bodies("app-dev", "aws_apigatewayv2_integration")).toEqual([expect.objectContaining({ integration_type: "AWS_PROXY", payload_format_version: "2.0" })]);
  });

  it("triggers the worker from the queue with partial batch failures and capped concurrency", () => {
    expect(bodies("app-dev", "aws_lambda_event_source_mapping")).toEqual([
      expect.objectContaining({ function_response_types: ["ReportBatchItemFailures"], batch_size: 10, scaling_config: { maximum_concurrency: 5 } }),
    ]);
  });

  it("schedules the producer from the environment's expression", () => {
    // dev runs it once on weekday mornings, so its database can pause (minCapacity 0) the rest of the time.
    expect(bodies("app-dev", "aws_scheduler_schedule")).toEqual([expect.objectContaining({ schedule_expression: "cron(0 8 ? * MON-FRI *)" })]);
    expect(bodies("app-stage", "aws_scheduler_schedule")).toEqual([expect.objectContaining({ schedule_expression: "rate(15 minutes)" })]);
  });

  it("grants each function only what it uses", () => {
    const actions = (role: string) => policyOf("app-dev", role).flatMap((statement) => statement.actions).sort();
    expect(actions("api")).toEqual(expect.arrayContaining(["sqs:SendMessage", "secretsmanager:GetSecretValue"]));
    expect(actions("api")).not.toContain("sqs:DeleteMessage");
    expect(actions("worker")).toEqual(expect.arrayContaining(["sqs:ReceiveMessage", "sqs:DeleteMessage"]));
    expect(actions("worker")).not.toContain("sqs:SendMessage");
    expect(actions("producer")).toEqual(expect.arrayContaining(["sqs:SendMessage"]));
    // The Python producer records the jobs it enqueues; the TypeScript one only enqueues.
    expect(actions("producer")).toContain("secretsmanager:GetSecretValue");
    const nodeProducer = Object.entries<any>(stacks.get("app-devnode")!.data.aws_iam_policy_document).find(([name]) => name.startsWith("producer_grants"))![1];
    expect(nodeProducer.statement.flatMap((statement: any) => statement.actions)).not.toContain("secretsmanager:GetSecretValue");
  });

  it("publishes how the app logs in to the database: with the secret without a proxy, with IAM tokens through RDS Proxy", () => {
    const published = (stack: string) =>
      Object.fromEntries(
        bodies(stack, "aws_ssm_parameter")
          .filter((parameter) => /\/database\/(auth|user|port)$/.test(parameter.name))
          .map((parameter) => [parameter.name.replace(/^.*\/database\//, ""), parameter.value]),
      );
    expect(published("infra-dev")).toEqual({ auth: "secret", user: "postgres", port: "5432" });
    expect(published("infra-devnode")).toEqual({ auth: "iam", user: "postgres", port: "5432" });
    const connect = (stack: string, role: string) => policyOf(stack, role).filter((statement) => statement.actions.includes("rds-db:connect"));
    expect(connect("app-dev", "api")).toEqual([]);
    for (const role of ["api", "worker"]) {
      expect(connect("app-devnode", role)).toEqual([expect.objectContaining({ resources: [expect.stringMatching(/dbuser:.*\/postgres$/), expect.stringMatching(/aws_db_proxy.*dbuser:\$4\/postgres/)] })]);
    }
  });

  it("backs up the database and media hourly and daily, copying every point to a vault in the DR region", () => {
    const prod = stacks.get("app-prod")!;
    expect(prod.provider.aws).toContainEqual(expect.objectContaining({ alias: "dr", region: "eu-central-1" }));
    const [plan] = bodies("app-prod", "aws_backup_plan");
    expect(plan.rule.map((rule: any) => [rule.schedule, rule.lifecycle.delete_after])).toEqual([
      ["cron(0 * ? * * *)", 7],
      ["cron(0 3 ? * * *)", 90],
    ]);
    for (const rule of plan.rule) expect(rule.copy_action[0].destination_vault_arn).toMatch(/aws_backup_vault\..*dr.*\.arn/);
    const selected = bodies("app-prod", "aws_backup_selection").flatMap((selection) => selection.resources ?? []);
    expect(selected).toEqual(expect.arrayContaining([expect.stringContaining("aws_rds_cluster"), expect.stringContaining("aws_s3_bucket")]));
    expect(bodies("app-prod", "aws_backup_vault_lock_configuration")).toHaveLength(2);
    expect(bodies("app-dev", "aws_backup_vault_lock_configuration")).toHaveLength(0);
  });

  it("keeps dev's recovery points in its own region (protectData off: no DR provider, vault, key or copy), stage's and prod's copied", () => {
    const dev = stacks.get("app-dev")!;
    expect(dev.provider.aws.filter((provider: any) => provider.alias)).toEqual([]);
    expect(bodies("app-dev", "aws_kms_key")).toEqual([]);
    expect(bodies("app-dev", "aws_backup_vault").map((vault) => vault.name)).toEqual(["platform-dev-backup"]);
    const [devPlan] = bodies("app-dev", "aws_backup_plan");
    expect(devPlan.rule).toHaveLength(2);
    for (const rule of devPlan.rule) expect(rule.copy_action).toBeUndefined();
    for (const environment of ["stage", "prod"]) {
      expect(bodies(`app-${environment}`, "aws_backup_vault").map((vault) => vault.name).sort()).toEqual([`platform-${environment}-backup`, `platform-${environment}-backup-dr`]);
      const [plan] = bodies(`app-${environment}`, "aws_backup_plan");
      for (const rule of plan.rule) expect(rule.copy_action).toHaveLength(1);
    }
  });

  it("matches the reviewed app-dev snapshot (asset hashes neutralised, so it changes only with the infrastructure)", () => {
    const text = JSON.stringify(stacks.get("app-dev"), null, 2)
      .replace(/assets\/([^/]+)\/[0-9A-F]{32}\//g, "assets/$1/<hash>/")
      .replace(/"source_code_hash": "[^"]+"/g, '"source_code_hash": "<hash>"');
    expect(text).toMatchSnapshot();
  });
});

describe("AppStack with ECS Fargate (environments/examples/ecs.json)", () => {
  it("runs the API as a Fargate service behind an internal ALB that the HTTP API reaches through a VPC link", () => {
    expect(bodies("app-ecs", "aws_ecs_service")).toEqual([expect.objectContaining({ launch_type: "FARGATE" })]);
    expect(bodies("app-ecs", "aws_lb")).toEqual([expect.objectContaining({ internal: true })]);
    expect(bodies("app-ecs", "aws_apigatewayv2_vpc_link")).toHaveLength(1);
    expect(bodies("app-ecs", "aws_apigatewayv2_integration")).toEqual([expect.objectContaining({ connection_type: "VPC_LINK", integration_type: "HTTP_PROXY" })]);
    expect(bodies("app-ecs", "aws_lambda_function").map((fn) => fn.function_name).sort()).toEqual(["platform-ecs-producer", "platform-ecs-worker"]);
  });

  it("runs the Python image under uvicorn (python -m platform_app.server) with no secret value in the container's environment", () => {
    const [definition] = bodies("app-ecs", "aws_ecs_task_definition");
    const [container] = JSON.parse(definition.container_definitions);
    expect(container.entryPoint).toEqual(["/var/lang/bin/python3"]);
    expect(container.command).toEqual(["-m", "platform_app.server"]);
    expect(container.secrets).toBeUndefined();
    expect(container.environment.map((variable: { name: string }) => variable.name).sort()).toEqual(["BUILD_VERSION", "MAX_REQUEST_BODY_BYTES", "PLATFORM_PARAMETERS_PATH", "PORT"]);
  });

  it("scales on CPU and to zero outside working hours", () => {
    expect(bodies("app-ecs", "aws_appautoscaling_scheduled_action").map((action) => action.schedule).sort()).toEqual(["cron(0 20 ? * MON-FRI *)", "cron(0 7 ? * MON-FRI *)"]);
    expect(bodies("app-ecs", "aws_appautoscaling_policy")).toEqual([expect.objectContaining({ policy_type: "TargetTrackingScaling" })]);
  });

  it("is not synthesized unless copied into environments/", () => {
    const run = runSynth();
    expect([...readStacks(run.outdir).keys()].filter((name) => name.endsWith("-ecs"))).toEqual([]);
  });
});
