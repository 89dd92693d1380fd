// The pricing rules on small hand-written stacks. Expected dollars are worked out by hand from the
// figures in scripts/cost/prices.json (eu-west-1 unless a test says otherwise, 730 h a month):
// NAT $0.048/h, public IPv4 $0.005/h, interface endpoint $0.011/AZ-h, Aurora $0.14/ACU-h, Redis OSS
// serverless $0.14/GB-h, and, with no eu-west-1 figure, the us-east-1 Valkey $0.084/GB-h, Aurora
// storage $0.10/GB-month, RDS Proxy $0.015/ACU-h, alarm $0.10/metric, dashboard $3.
import { buildReport, type CostReport } from "../../scripts/cost/report";
import type { CostLine } from "../../scripts/cost/rules";
import { toStack, type StackJson } from "../../scripts/cost/stacks";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

function stack(name: string, resource: Resources, extra: StackJson = {}, region = "eu-west-1") {
  return toStack(name, { provider: { aws: [{ region }, { alias: "dr", region: "us-west-2" }] }, resource, ...extra });
}

function report(...stacks: ReturnType<typeof stack>[]): CostReport {
  return buildReport(stacks);
}

function environment(result: CostReport, name: string) {
  const found = result.environments.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no environment ${name} in the report (have ${result.environments.map((candidate) => candidate.name).join(", ")})`);
  return found;
}

function linesOf(result: CostReport, name: string, type: string): CostLine[] {
  return environment(result, name).lines.filter((line) => line.type === type);
}

const dollars = (lines: CostLine[]) => Math.round(lines.reduce((sum, line) => sum + line.monthlyUsd, 0) * 100) / 100;

function auroraCluster(scaling: Record<string, unknown>, instances: { tier: number }[] = [{ tier: 0 }]): Resources {
  return {
    aws_rds_cluster: { cluster: { engine: "aurora-postgresql", engine_mode: "provisioned", manage_master_user_password: true, serverlessv2_scaling_configuration: scaling } },
    aws_rds_cluster_instance: Object.fromEntries(
      instances.map(({ tier }, index) => [
        `instance-${index + 1}`,
        { identifier: `db-${index + 1}`, cluster_identifier: "${aws_rds_cluster.cluster.id}", instance_class: "db.serverless", promotion_tier: tier },
      ]),
    ),
  };
}

/** A scheduled function in the app stack; `connects` grants it the cluster's master secret, as the Python producer has. */
function scheduledFunction(expression: string, connects: boolean): { resource: Resources; data: StackJson } {
  const statements = [{ actions: ["sqs:SendMessage"], resources: ["${aws_sqs_queue.queue.arn}"] }];
  if (connects) {
    statements.push({
      actions: ["secretsmanager:GetSecretValue"],
      resources: ["${data.terraform_remote_state.infra.outputs.cross-stack-output-aws_rds_clustercluster_master_user_secret0secret_arn}"],
    });
  }
  return {
    resource: {
      aws_iam_role: { producer: {} },
      aws_iam_role_policy: { grants: { role: "${aws_iam_role.producer.name}", policy: "${data.aws_iam_policy_document.grants.json}" } },
      aws_lambda_function: { producer: { role: "${aws_iam_role.producer.arn}" } },
      aws_scheduler_schedule: { producer: { schedule_expression: expression, state: "ENABLED", target: { arn: "${aws_lambda_function.producer.arn}" } } },
    },
    data: { data: { aws_iam_policy_document: { grants: { statement: statements } } } },
  };
}

describe("Aurora Serverless v2", () => {
  test("min 0 ACU with nothing waking it pauses: storage (1 GB assumed) and the managed secret only", () => {
    const result = report(stack("infra-dev", auroraCluster({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 1800 })));
    const [instance] = linesOf(result, "dev", "aws_rds_cluster_instance");
    expect(instance.monthlyUsd).toBe(0);
    expect(instance.description).toMatch(/pauses after 1800 s/);
    const cluster = linesOf(result, "dev", "aws_rds_cluster");
    expect(cluster.map((line) => line.monthlyUsd).sort()).toEqual([0.1, 0.4]);
    expect(cluster.find((line) => line.monthlyUsd === 0.1)?.rates[0]).toMatchObject({ region: "us-east-1", fallback: true });
  });

  test("min 0.5 ACU bills the minimum for every hour: 0.5 × $0.14 × 730 = $51.10", () => {
    const [instance] = linesOf(report(stack("infra-dev", auroraCluster({ min_capacity: 0.5, max_capacity: 4 }))), "dev", "aws_rds_cluster_instance");
    expect(instance.monthlyUsd).toBe(51.1);
  });

  test("a writer and a reader at min 0.5 bill twice: $102.20", () => {
    const result = report(stack("infra-prod", auroraCluster({ min_capacity: 0.5, max_capacity: 4 }, [{ tier: 0 }, { tier: 1 }])));
    expect(dollars(linesOf(result, "prod", "aws_rds_cluster_instance"))).toBe(102.2);
  });

  test("min 0 woken every 15 min by a function that reads the master secret never pauses: $51.10", () => {
    const producer = scheduledFunction("rate(15 minutes)", true);
    const result = report(stack("infra-dev", auroraCluster({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 1800 })), stack("app-dev", producer.resource, producer.data));
    const [instance] = linesOf(result, "dev", "aws_rds_cluster_instance");
    expect(instance.monthlyUsd).toBe(51.1);
    expect(instance.description).toMatch(/never pauses/);
  });

  test("woken every 60 min with a 30 min auto-pause it is awake half the time: $25.55", () => {
    const producer = scheduledFunction("rate(60 minutes)", true);
    const result = report(stack("infra-dev", auroraCluster({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 1800 })), stack("app-dev", producer.resource, producer.data));
    expect(linesOf(result, "dev", "aws_rds_cluster_instance")[0].monthlyUsd).toBe(25.55);
  });

  test("a schedule whose function cannot reach the database does not wake it", () => {
    const producer = scheduledFunction("rate(5 minutes)", false);
    const result = report(stack("infra-dev", auroraCluster({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 1800 })), stack("app-dev", producer.resource, producer.data));
    expect(linesOf(result, "dev", "aws_rds_cluster_instance")[0].monthlyUsd).toBe(0);
  });

  test("woken at min 0, a promotion tier 1 reader follows the writer and a tier 2 reader pauses on its own", () => {
    const producer = scheduledFunction("rate(15 minutes)", true);
    const result = report(
      stack("infra-dev", auroraCluster({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 1800 }, [{ tier: 0 }, { tier: 1 }, { tier: 2 }])),
      stack("app-dev", producer.resource, producer.data),
    );
    expect(linesOf(result, "dev", "aws_rds_cluster_instance").map((line) => line.monthlyUsd)).toEqual([51.1, 51.1, 0]);
  });

  test("RDS Proxy bills at least 8 ACU even in front of a 0.5 ACU writer: 8 × $0.015 × 730 = $87.60", () => {
    const result = report(
      stack("infra-dev", {
        ...auroraCluster({ min_capacity: 0.5, max_capacity: 2 }),
        aws_db_proxy: { proxy: { engine_family: "POSTGRESQL" } },
        aws_db_proxy_target: { target: { db_proxy_name: "${aws_db_proxy.proxy.name}", db_cluster_identifier: "${aws_rds_cluster.cluster.id}" } },
      }),
    );
    const [proxy] = linesOf(result, "dev", "aws_db_proxy");
    expect(proxy.monthlyUsd).toBe(87.6);
    expect(proxy.description).toMatch(/at least 8 ACU; the cluster idles at 0.5 ACU/);
  });
});

describe("network", () => {
  test("a NAT gateway per AZ, each with its public IPv4 address: 3 × ($35.04 + $3.65) = $116.07", () => {
    const resource: Resources = { aws_eip: {}, aws_nat_gateway: {} };
    for (const az of [1, 2, 3]) {
      resource.aws_eip[`nat-${az}-eip`] = { domain: "vpc" };
      resource.aws_nat_gateway[`nat-${az}`] = { allocation_id: `\${aws_eip.nat-${az}-eip.allocation_id}`, subnet_id: `\${aws_subnet.public-${az}.id}` };
    }
    const result = report(stack("infra-prod", resource));
    expect(linesOf(result, "prod", "aws_nat_gateway").map((line) => line.monthlyUsd)).toEqual([35.04, 35.04, 35.04]);
    expect(linesOf(result, "prod", "aws_eip").map((line) => line.monthlyUsd)).toEqual([3.65, 3.65, 3.65]);
    expect(environment(result, "prod").idleMonthlyUsd).toBe(116.07);
  });

  test("the same NAT gateway in us-east-1 bills $0.045 × 730 = $32.85", () => {
    const result = report(stack("infra-dev", { aws_nat_gateway: { nat: {} } }, {}, "us-east-1"));
    expect(linesOf(result, "dev", "aws_nat_gateway")[0].monthlyUsd).toBe(32.85);
  });

  test("interface endpoints bill per subnet (AZ): 1 subnet $8.03, 3 subnets $24.09; gateway endpoints are free", () => {
    const result = report(
      stack("infra-dev", {
        aws_vpc_endpoint: {
          single: { vpc_endpoint_type: "Interface", service_name: "com.amazonaws.eu-west-1.sqs", subnet_ids: ["${aws_subnet.private-1.id}"] },
          triple: {
            vpc_endpoint_type: "Interface",
            service_name: "com.amazonaws.eu-west-1.ssm",
            subnet_ids: ["${aws_subnet.private-1.id}", "${aws_subnet.private-2.id}", "${aws_subnet.private-3.id}"],
          },
          s3: { vpc_endpoint_type: "Gateway", service_name: "com.amazonaws.eu-west-1.s3", route_table_ids: ["${aws_route_table.private.id}"] },
        },
      }),
    );
    const byAddress = Object.fromEntries(linesOf(result, "dev", "aws_vpc_endpoint").map((line) => [line.address, line]));
    expect(byAddress["aws_vpc_endpoint.single"].monthlyUsd).toBe(8.03);
    expect(byAddress["aws_vpc_endpoint.triple"].monthlyUsd).toBe(24.09);
    expect(byAddress["aws_vpc_endpoint.s3"]).toMatchObject({ category: "free", monthlyUsd: 0 });
  });
});

describe("ElastiCache Serverless", () => {
  test("Valkey is metered from 100 MB: 0.1 GB × $0.084 × 730 = $6.13, a us-east-1 figure", () => {
    const [cache] = linesOf(report(stack("infra-dev", { aws_elasticache_serverless_cache: { cache: { engine: "valkey" } } })), "dev", "aws_elasticache_serverless_cache");
    expect(cache.monthlyUsd).toBe(6.13);
    expect(cache.rates[0]).toMatchObject({ usd: 0.084, region: "us-east-1", fallback: true });
    expect(cache.description).toMatch(/ECPUs are billed per request, \$0 idle/);
  });

  test("Redis OSS is metered from 1 GB: 1 GB × $0.14 × 730 = $102.20", () => {
    const [cache] = linesOf(report(stack("infra-dev", { aws_elasticache_serverless_cache: { cache: { engine: "redis" } } })), "dev", "aws_elasticache_serverless_cache");
    expect(cache.monthlyUsd).toBe(102.2);
    expect(cache.rates[0]).toMatchObject({ region: "eu-west-1", fallback: false });
  });

  test("a configured storage minimum above the engine's is what bills: 2 GB of Redis OSS = $204.40", () => {
    const cache = { engine: "redis", cache_usage_limits: [{ data_storage: [{ minimum: 2, maximum: 5, unit: "GB" }] }] };
    expect(linesOf(report(stack("infra-dev", { aws_elasticache_serverless_cache: { cache } })), "dev", "aws_elasticache_serverless_cache")[0].monthlyUsd).toBe(204.4);
  });
});

describe("edge, keys, monitoring", () => {
  test("a web ACL with 4 managed rule groups, a rate-based and a custom rule: $5 + 6 × $1 = $11", () => {
    const managed = (name: string) => ({ name, override_action: { none: {} }, statement: { managed_rule_group_statement: { name, vendor_name: "AWS" } } });
    const acl = {
      scope: "CLOUDFRONT",
      provider: "aws.edge",
      rule: [
        managed("AWSManagedRulesAmazonIpReputationList"),
        managed("AWSManagedRulesAnonymousIpList"),
        managed("AWSManagedRulesCommonRuleSet"),
        managed("AWSManagedRulesKnownBadInputsRuleSet"),
        { name: "rate", action: { block: {} }, statement: { rate_based_statement: { limit: 2000 } } },
        { name: "body", action: { block: {} }, statement: { label_match_statement: { key: "x" } } },
      ],
    };
    const edge = toStack("infra-stage", { provider: { aws: [{ region: "eu-west-1" }, { alias: "edge", region: "us-east-1" }] }, resource: { aws_wafv2_web_acl: { acl } } });
    const lines = linesOf(buildReport([edge]), "stage", "aws_wafv2_web_acl");
    expect(lines.map((line) => line.monthlyUsd)).toEqual([5, 6]);
    expect(lines.map((line) => line.region)).toEqual(["us-east-1", "us-east-1"]);
  });

  test("customer managed keys bill $1 each, the DR region's too; secrets $0.40 each", () => {
    const result = report(
      stack("app-dev", {
        aws_kms_key: { main: { enable_key_rotation: true }, dr: { provider: "aws.dr" } },
        aws_secretsmanager_secret: { app: {} },
      }),
    );
    expect(linesOf(result, "dev", "aws_kms_key").map((line) => [line.region, line.monthlyUsd])).toEqual([
      ["eu-west-1", 1],
      ["us-west-2", 1],
    ]);
    expect(linesOf(result, "dev", "aws_secretsmanager_secret")[0].monthlyUsd).toBe(0.4);
  });

  test("alarms bill per metric read: a single metric $0.10, a two-metric expression $0.20, anomaly detection 3 × $0.10; a dashboard $3", () => {
    const metric = (id: string) => ({ id, metric: { metric_name: "Errors", namespace: "AWS/Lambda", period: 300, stat: "Sum" } });
    const result = report(
      stack("app-dev", {
        aws_cloudwatch_metric_alarm: {
          single: { metric_name: "Errors", namespace: "AWS/Lambda", period: 300, comparison_operator: "GreaterThanThreshold" },
          ratio: { comparison_operator: "GreaterThanThreshold", metric_query: [{ id: "result", expression: "100 * e / r", return_data: true }, metric("e"), metric("r")] },
          anomaly: { comparison_operator: "GreaterThanUpperThreshold", metric_query: [{ id: "band", expression: "ANOMALY_DETECTION_BAND(m)" }, metric("m")] },
        },
        aws_cloudwatch_dashboard: { overview: { dashboard_name: "overview" } },
      }),
    );
    const byAddress = Object.fromEntries(linesOf(result, "dev", "aws_cloudwatch_metric_alarm").map((line) => [line.address, line.monthlyUsd]));
    expect(byAddress).toEqual({ "aws_cloudwatch_metric_alarm.single": 0.1, "aws_cloudwatch_metric_alarm.ratio": 0.2, "aws_cloudwatch_metric_alarm.anomaly": 0.3 });
    expect(linesOf(result, "dev", "aws_cloudwatch_dashboard")[0].monthlyUsd).toBe(3);
  });
});

describe("account free tiers (10 alarm metrics and 3 dashboards of up to 50 metrics, per account)", () => {
  const alarms = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, index) => [`alarm-${index}`, { metric_name: "Errors", namespace: "AWS/Lambda", period: 300, comparison_operator: "GreaterThanThreshold" }]));
  const dashboardOf = (metrics: number) => ({
    dashboard_name: "overview",
    dashboard_body: JSON.stringify({ widgets: [{ type: "metric", properties: { metrics: [...Array.from({ length: metrics }, (_, index) => ["AWS/Lambda", "Errors", "FunctionName", `f${index}`]), [{ expression: "SUM(METRICS())" }]] } }] }),
  });
  const monitoring = (name: string, alarmCount: number, dashboardMetrics: number, account?: string) =>
    toStack(name, {
      provider: { aws: [{ region: "eu-west-1", ...(account ? { allowed_account_ids: [account] } : {}) }] },
      resource: { aws_cloudwatch_metric_alarm: alarms(alarmCount), aws_cloudwatch_dashboard: { overview: dashboardOf(dashboardMetrics) } },
    });

  test("an environment alone in its account gets them whole: 16 alarm metrics bill 6 × $0.10, its dashboard is free", () => {
    const dev = environment(report(monitoring("app-dev", 16, 35)), "dev");
    expect(dev.listMonthlyUsd).toBe(4.6);
    expect(dev.freeTierCredits.map((credit) => [credit.key, credit.creditedUnits, credit.usd])).toEqual([
      ["cloudwatch.alarm.metricMonth", 10, 1],
      ["cloudwatch.dashboard.month", 1, 3],
    ]);
    expect(dev.idleMonthlyUsd).toBe(0.6);
  });

  test("environments sharing an account share them in proportion to use: 16 and 4 alarm metrics get 8 and 2 free; 3 dashboards are all free", () => {
    const result = report(monitoring("app-dev", 16, 35), monitoring("app-stage", 4, 35), monitoring("app-prod", 0, 35));
    expect(environment(result, "dev").idleMonthlyUsd).toBe(0.8); // 16 × 0.10 + 3 − 0.80 − 3
    expect(environment(result, "stage").idleMonthlyUsd).toBe(0.2); // 4 × 0.10 + 3 − 0.20 − 3
    expect(environment(result, "prod").idleMonthlyUsd).toBe(0);
  });

  test("environments in accounts of their own each get them whole; a fourth dashboard in one account is not free", () => {
    const separate = report(monitoring("app-dev", 16, 35, "111111111111"), monitoring("app-prod", 16, 35, "222222222222"));
    expect(environment(separate, "dev").idleMonthlyUsd).toBe(0.6);
    expect(environment(separate, "prod").idleMonthlyUsd).toBe(0.6);
    const crowded = report(...["dev", "qa", "stage", "prod"].map((name) => monitoring(`app-${name}`, 0, 10)));
    // Four dashboards, three free: each environment is credited 3/4 of one.
    expect(crowded.environments.map((cost) => cost.idleMonthlyUsd)).toEqual([0.75, 0.75, 0.75, 0.75]);
  });

  test("a dashboard of more than 50 metrics is outside the free tier", () => {
    const dev = environment(report(monitoring("app-dev", 0, 51)), "dev");
    expect(dev.freeTierCredits).toEqual([]);
    expect(dev.idleMonthlyUsd).toBe(3);
    expect(linesOf(report(monitoring("app-dev", 0, 50)), "dev", "aws_cloudwatch_dashboard")[0].freeTierUnits).toBe(1);
  });
});

describe("ECS Fargate and the load balancer", () => {
  function service(architecture: "ARM64" | "X86_64", minCount: number, internal: boolean): Resources {
    return {
      aws_ecs_task_definition: { task: { cpu: "256", memory: "512", runtime_platform: { cpu_architecture: architecture, operating_system_family: "LINUX" } } },
      aws_ecs_service: { api: { launch_type: "FARGATE", desired_count: 1, task_definition: "${aws_ecs_task_definition.task.arn}" } },
      aws_appautoscaling_target: {
        target: { service_namespace: "ecs", min_capacity: minCount, max_capacity: 4, resource_id: "service/${aws_ecs_cluster.cluster.name}/${aws_ecs_service.api.name}" },
      },
      aws_appautoscaling_scheduled_action: {
        night: { resource_id: "${aws_appautoscaling_target.target.resource_id}", schedule: "cron(0 20 ? * MON-FRI *)", scalable_target_action: { min_capacity: "0", max_capacity: "0" } },
      },
      aws_lb: { alb: { load_balancer_type: "application", internal, subnets: ["${aws_subnet.a.id}", "${aws_subnet.b.id}"] } },
    };
  }

  test("ARM tasks at the autoscaling minimum: 0.25 vCPU × $0.03238 + 0.5 GB × $0.00356, × 730 = $7.21 a task, $14.42 for two", () => {
    const one = linesOf(report(stack("app-ex", service("ARM64", 1, true))), "ex", "aws_ecs_service")[0];
    expect(one.monthlyUsd).toBe(7.21);
    expect(one.notes.join(" ")).toMatch(/scales to 0 tasks on cron\(0 20 \? \* MON-FRI \*\)/);
    expect(linesOf(report(stack("app-ex", service("ARM64", 2, true))), "ex", "aws_ecs_service")[0].monthlyUsd).toBe(14.42);
  });

  test("x86 tasks bill the x86 rates: 0.25 × $0.04048 + 0.5 × $0.004445, × 730 = $9.01", () => {
    expect(linesOf(report(stack("app-ex", service("X86_64", 1, true))), "ex", "aws_ecs_service")[0].monthlyUsd).toBe(9.01);
  });

  test("an internal ALB bills its hour ($0.0252 × 730 = $18.40) and no address; an internet-facing one adds an IPv4 address per AZ", () => {
    expect(dollars(linesOf(report(stack("app-ex", service("ARM64", 1, true))), "ex", "aws_lb"))).toBe(18.4);
    expect(dollars(linesOf(report(stack("app-ex", service("ARM64", 1, false))), "ex", "aws_lb"))).toBe(25.7);
  });
});

describe("classification", () => {
  test("per-request services are listed at $0 idle, and a type without a rule is reported, not priced as zero", () => {
    const result = report(
      stack("app-dev", {
        aws_lambda_function: { api: {} },
        aws_sqs_queue: { work: {} },
        aws_dynamodb_table: { table: { billing_mode: "PAY_PER_REQUEST" } },
        aws_lambda_provisioned_concurrency_config: { warm: { provisioned_concurrent_executions: 2 } },
      }),
    );
    for (const type of ["aws_lambda_function", "aws_sqs_queue", "aws_dynamodb_table"]) expect(linesOf(result, "dev", type)).toEqual([expect.objectContaining({ category: "usage", monthlyUsd: 0 })]);
    expect(result.unclassified).toEqual([{ stack: "app-dev", type: "aws_lambda_provisioned_concurrency_config", name: "warm" }]);
  });

  test("bootstrap and pipeline stacks form the shared group, not an environment", () => {
    const result = report(stack("bootstrap", { aws_kms_key: { state: {} } }), stack("core-dev", { aws_kms_key: { key: {} } }));
    expect(result.environments.map((cost) => cost.name)).toEqual(["dev"]);
    expect(result.shared).toMatchObject({ stacks: ["bootstrap"], idleMonthlyUsd: 1 });
  });
});
