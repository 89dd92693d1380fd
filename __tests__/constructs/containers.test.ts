import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { TerraformVariable, Testing } from "cdktf";
import { AccountContext } from "../../src/constructs/account/account-context";
import { ContainerService, type ContainerServiceProps, PYTHON_API_SERVER } from "../../src/constructs/containers/container-service";
import { secretArnOf } from "../../src/constructs/containers/task-roles";
import { Naming } from "../../src/naming/naming";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/abc";
const BOUNDARY = "arn:aws:iam::123456789012:policy/platform-dev-workload-boundary";
const APP_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:platform/dev/app-AbCdEf";
const DB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-1-XyZ123";
const OFF_HOURS = { scaleDown: "cron(0 20 ? * MON-FRI *)", scaleUp: "cron(0 7 ? * MON-FRI *)", timezone: "Europe/Dublin" };

type Overrides = Partial<Omit<ContainerServiceProps, "settings">> & { settings?: Partial<ContainerServiceProps["settings"]> };

function synth(overrides: Overrides = {}): string {
  return Testing.synthScope((scope) => {
    const { settings, ...rest } = overrides;
    new ContainerService(scope, "api", {
      naming: new Naming("platform", "dev"),
      account: new AccountContext(scope, "account"),
      protectData: false,
      network: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"], appSecurityGroupId: "sg-app", loadBalancerSecurityGroupId: "sg-lb" },
      imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-dev-api:v1",
      server: PYTHON_API_SERVER,
      settings: { cpu: 512, memoryMb: 1024, containerPort: 8080, minCount: 1, maxCount: 4, targetCpuPercent: 60, ...settings },
      environment: { PLATFORM_PARAMETERS_PATH: "/platform/dev" },
      secrets: { APP_SECRET, DB_PASSWORD: `${DB_SECRET}:password::` },
      boundaryArn: BOUNDARY,
      ...rest,
    });
  });
}

type Json = Record<string, any>;
const parsed = (synthesized: string): Json => JSON.parse(synthesized);
const resources = (synthesized: string, type: string): Json[] => Object.values(parsed(synthesized).resource?.[type] ?? {});
const policyDocuments = (synthesized: string): Json[] => Object.values(parsed(synthesized).data.aws_iam_policy_document);
const statement = (synthesized: string, sid: string): Json | undefined =>
  policyDocuments(synthesized)
    .flatMap((document) => document.statement)
    .find((candidate: Json) => candidate.sid === sid);
const containers = (synthesized: string): Json[] => JSON.parse(resources(synthesized, "aws_ecs_task_definition")[0].container_definitions);

describe("ContainerService", () => {
  const plain = synth();

  it("runs a cluster with Container Insights and logs to its own group, encrypted when there is a key", () => {
    expect(plain).toHaveResourceWithProperties(EcsCluster, { setting: [{ name: "containerInsights", value: "enabled" }] });
    expect(plain).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/platform/dev/ecs/api" });
    expect(resources(plain, "aws_cloudwatch_log_group")[0].kms_key_id).toBeUndefined();
    expect(synth({ kmsKeyArn: KEY })).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/platform/dev/ecs/api", kms_key_id: KEY });
  });

  it("rolls back deployments whose tasks never turn healthy and leaves the count to autoscaling", () => {
    expect(plain).toHaveResourceWithProperties(EcsService, {
      name: "platform-dev-api",
      launch_type: "FARGATE",
      deployment_circuit_breaker: { enable: true, rollback: true },
      enable_execute_command: false,
      propagate_tags: "SERVICE",
      desired_count: 1,
      health_check_grace_period_seconds: 60,
      lifecycle: { ignore_changes: ["desired_count", "task_definition"] },
      load_balancer: [{ container_name: "api", container_port: 8080, target_group_arn: expect.stringContaining("aws_lb_target_group.") }],
    });
  });

  it("places tasks in the private subnets with the app group and no public address", () => {
    expect(plain).toHaveResourceWithProperties(EcsService, {
      network_configuration: { subnets: ["subnet-a", "subnet-b"], security_groups: ["sg-app"], assign_public_ip: false },
    });
  });

  it("defines an ARM64 Fargate task sized from the settings", () => {
    expect(plain).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "platform-dev-api",
      requires_compatibilities: ["FARGATE"],
      network_mode: "awsvpc",
      runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
      cpu: "512",
      memory: "1024",
      execution_role_arn: expect.stringContaining("api_roles_execution-role"),
      task_role_arn: expect.stringContaining("api_roles_task-role"),
    });
  });

  it("runs one container with a read-only root file system, a scratch /tmp and the awslogs driver", () => {
    const [container, ...others] = containers(plain);
    expect(others).toEqual([]);
    expect(container).toMatchObject({
      name: "api",
      image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-dev-api:v1",
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }],
      mountPoints: [{ sourceVolume: "scratch", containerPath: "/tmp", readOnly: false }],
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": expect.stringContaining("aws_cloudwatch_log_group."), "awslogs-stream-prefix": "api" } },
    });
    expect(container.healthCheck).toBeUndefined();
    expect(plain).toHaveResourceWithProperties(EcsTaskDefinition, { volume: [{ name: "scratch" }] });
  });

  it("passes plain configuration as environment and secrets by Secrets Manager ARN, never by value", () => {
    const [container] = containers(plain);
    expect(container.environment).toEqual([
      { name: "PLATFORM_PARAMETERS_PATH", value: "/platform/dev" },
      { name: "PORT", value: "8080" },
    ]);
    expect(container.secrets).toEqual([
      { name: "APP_SECRET", valueFrom: APP_SECRET },
      { name: "DB_PASSWORD", valueFrom: `${DB_SECRET}:password::` },
    ]);
  });

  it("starts the image's HTTP server instead of Lambda's runtime client, on the container port", () => {
    const [container] = containers(plain);
    // The Python image's interpreter by path (ECS runs no shell), serving the app under uvicorn.
    expect(container.entryPoint).toEqual(["/var/lang/bin/python3"]);
    expect(container.command).toEqual(["-m", "platform_app.server"]);
    const [node] = containers(synth({ server: { entryPoint: ["node"], command: ["/var/task/server.js"] } }));
    expect([node.entryPoint, node.command]).toEqual([["node"], ["/var/task/server.js"]]);
    const [moved] = containers(synth({ settings: { containerPort: 3000 }, environment: {} }));
    expect(moved.environment).toEqual([{ name: "PORT", value: "3000" }]);
    expect(moved.portMappings).toEqual([{ containerPort: 3000, hostPort: 3000, protocol: "tcp" }]);
  });

  it("refuses PORT from the caller: it always follows the container port", () => {
    expect(() => synth({ environment: { PORT: "9000" } })).toThrow(/PORT is set from settings.containerPort/);
    expect(() => synth({ secrets: { PORT: APP_SECRET } })).toThrow(/PORT is set from settings.containerPort/);
  });

  it("refuses a name given both as plain environment and as secret", () => {
    expect(() => synth({ environment: { APP_SECRET: "oops" } })).toThrow(/APP_SECRET given both/);
  });

  it("lets the execution role read exactly the injected secrets, and decrypt them only through Secrets Manager", () => {
    expect(statement(plain, "ReadTheInjectedSecrets")).toMatchObject({ actions: ["secretsmanager:GetSecretValue"], resources: [APP_SECRET, DB_SECRET] });
    expect(statement(plain, "DecryptTheInjectedSecrets")).toBeUndefined();
    expect(statement(synth({ kmsKeyArn: KEY }), "DecryptTheInjectedSecrets")).toMatchObject({
      actions: ["kms:Decrypt"],
      resources: [KEY],
      condition: [{ test: "StringEquals", variable: "kms:ViaService", values: [expect.stringMatching(/^secretsmanager\./)] }],
    });
    expect(statement(synth({ secrets: {} }), "ReadTheInjectedSecrets")).toBeUndefined();
  });

  it("lets the execution role pull from the environment's repositories and write only its log group", () => {
    expect(statement(plain, "PullTheImage")).toMatchObject({ resources: [expect.stringMatching(/:repository\/platform-dev-\*$/)] });
    const repository = "arn:aws:ecr:eu-west-1:123456789012:repository/platform-dev-api";
    expect(statement(synth({ repositoryArns: [repository] }), "PullTheImage")).toMatchObject({ resources: [repository] });
    expect(statement(plain, "WriteTheContainerLogs")).toMatchObject({
      actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
      resources: [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}:\*$/)],
    });
  });

  it("bounds both roles and lets only ECS tasks of this account assume them", () => {
    const roles = resources(plain, "aws_iam_role");
    expect(roles.map((role) => role.name).sort()).toEqual(["platform-dev-api-task", "platform-dev-api-task-execution"]);
    for (const role of roles) expect(role.permissions_boundary).toBe(BOUNDARY);
    expect(plain).toHaveResourceWithProperties(IamRole, { name: "platform-dev-api-task", permissions_boundary: BOUNDARY });
    expect(statement(plain, "EcsTasksOfThisAccount")).toMatchObject({
      actions: ["sts:AssumeRole"],
      principals: [{ type: "Service", identifiers: [expect.stringMatching(/^ecs-tasks\./)] }],
      condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [expect.stringContaining("aws_caller_identity")] }],
    });
    // The task role starts empty: only the execution role has a policy.
    const policies = resources(plain, "aws_iam_role_policy");
    expect(policies).toHaveLength(1);
    expect(policies[0].role).toContain("api_roles_execution-role");
  });

  it("puts an internal ALB in the private subnets that drops invalid headers and logs access", () => {
    expect(plain).toHaveResourceWithProperties(Lb, {
      name: "platform-dev-api",
      internal: true,
      load_balancer_type: "application",
      subnets: ["subnet-a", "subnet-b"],
      security_groups: ["sg-lb"],
      drop_invalid_header_fields: true,
      enable_deletion_protection: false,
      access_logs: { bucket: expect.stringContaining("aws_s3_bucket."), prefix: "alb", enabled: true },
      depends_on: [expect.stringContaining("aws_s3_bucket_policy.")],
    });
    expect(synth({ protectData: true })).toHaveResourceWithProperties(Lb, { enable_deletion_protection: true });
  });

  it("keeps access logs in an SSE-S3 bucket that the region's ELB log writer may write to", () => {
    expect(plain).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }],
    });
    const writer = statement(plain, "ElasticLoadBalancingWritesAccessLogs");
    expect(writer).toMatchObject({ actions: ["s3:PutObject"], resources: [expect.stringMatching(/platform-dev-alb-logs-.*\/alb\/AWSLogs\/.*\/\*$/)] });
    const [principal] = writer!.principals;
    expect(principal.type).toMatch(/== "none"\) \? "Service" : "AWS"/);
    expect(principal.identifiers[0]).toContain("logdelivery.elasticloadbalancing.");
    const locals = Object.values<string>(parsed(plain).locals);
    // Elastic Load Balancing's account in eu-west-1 (ELB user guide, "Enable access logs", regions available before August 2022).
    expect(locals).toEqual([expect.stringContaining('"eu-west-1" = "156460612806"')]);
    expect(resources(synth({ protectData: true }), "aws_s3_bucket")[0]).toMatchObject({ lifecycle: { prevent_destroy: true }, force_destroy: false });
  });

  it("forwards HTTP on port 80 to the tasks, the one listener the API's VPC link targets", () => {
    const listeners = resources(plain, "aws_lb_listener");
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({ port: 80, protocol: "HTTP", default_action: [{ type: "forward", target_group_arn: expect.stringContaining("aws_lb_target_group.") }] });
  });

  it("health-checks the tasks' IPs on the platform's probe path (served as /health, exempt from the origin check) and drains them for 30 seconds", () => {
    expect(plain).toHaveResourceWithProperties(LbTargetGroup, {
      target_type: "ip",
      protocol: "HTTP",
      port: 8080,
      vpc_id: "vpc-1",
      deregistration_delay: "30",
      // Not /health: that path needs CloudFront's origin header; the HTTP API routes no /_platform path.
      health_check: expect.objectContaining({ enabled: true, path: "/_platform/lb-health", matcher: "200", port: "traffic-port" }),
      lifecycle: { create_before_destroy: true },
    });
    expect(synth({ settings: { containerPort: 3000 } })).toHaveResourceWithProperties(LbTargetGroup, { port: 3000 });
  });

  it("tracks average CPU between minCount and maxCount", () => {
    expect(plain).toHaveResourceWithProperties(AppautoscalingTarget, {
      service_namespace: "ecs",
      scalable_dimension: "ecs:service:DesiredCount",
      resource_id: expect.stringMatching(/^service\/\$\{aws_ecs_cluster\.[^}]+\.name\}\/\$\{aws_ecs_service\.[^}]+\.name\}$/),
      min_capacity: 1,
      max_capacity: 4,
    });
    expect(resources(plain, "aws_appautoscaling_target")[0].lifecycle).toBeUndefined();
    expect(plain).toHaveResourceWithProperties(AppautoscalingPolicy, {
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: expect.objectContaining({
        predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" },
        target_value: 60,
      }),
    });
  });

  it("schedules nothing without offHours", () => {
    expect(plain).not.toHaveResource(AppautoscalingScheduledAction);
  });

  it("scales to zero off-hours and back to the configured range, in the configured time zone", () => {
    const offHours = synth({ settings: { minCount: 2, maxCount: 6, offHours: OFF_HOURS } });
    const actions = resources(offHours, "aws_appautoscaling_scheduled_action");
    expect(actions).toHaveLength(2);
    expect(offHours).toHaveResourceWithProperties(AppautoscalingScheduledAction, {
      name: "platform-dev-api-off-hours-down",
      schedule: OFF_HOURS.scaleDown,
      timezone: "Europe/Dublin",
      scalable_target_action: { min_capacity: "0", max_capacity: "0" },
    });
    expect(offHours).toHaveResourceWithProperties(AppautoscalingScheduledAction, {
      name: "platform-dev-api-off-hours-up",
      schedule: OFF_HOURS.scaleUp,
      timezone: "Europe/Dublin",
      scalable_target_action: { min_capacity: "2", max_capacity: "6" },
      depends_on: [expect.stringContaining("aws_appautoscaling_scheduled_action.")],
    });
    // The schedule owns the range: a night-time apply must not bring the tasks back.
    expect(offHours).toHaveResourceWithProperties(AppautoscalingTarget, { lifecycle: { ignore_changes: ["min_capacity", "max_capacity"] } });
  });
});

describe("secretArnOf", () => {
  it("strips the JSON-key suffix from literal ARNs and leaves plain secret ARNs alone", () => {
    expect(secretArnOf(`${DB_SECRET}:password::`)).toBe(DB_SECRET);
    expect(secretArnOf(APP_SECRET)).toBe(APP_SECRET);
  });

  it("cuts references that are only known at plan time with Terraform functions", () => {
    const synthesized = Testing.synthScope((scope) => {
      const reference = new TerraformVariable(scope, "secret", { type: "string" }).stringValue;
      new TerraformVariable(scope, "cut", { type: "string", default: secretArnOf(reference) });
    });
    expect(parsed(synthesized).variable.cut.default).toBe('${join(":", slice(split(":", var.secret), 0, 7))}');
  });
});
