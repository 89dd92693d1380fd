import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Testing } from "cdktf";
import { alarmsSchema } from "../../src/config/environment-schema";
import { alarmTable, listAlarms, planAlarms } from "../../src/constructs/observability/alarm-plan";
import type { ObservedResources } from "../../src/constructs/observability/observed-resources";
import { PlatformAlarms } from "../../src/constructs/observability/platform-alarms";
import { PlatformDashboard } from "../../src/constructs/observability/platform-dashboard";
import { Naming } from "../../src/naming/naming";

const naming = new Naming("platform", "dev");
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-dev-alerts";
const thresholds = alarmsSchema.parse({});

const common = {
  region: "eu-west-1",
  httpApi: { apiId: "a1b2c3", stage: "$default" },
  database: { clusterIdentifier: "platform-dev-db" },
  cache: { name: "platform-dev-cache", maxEcpuPerSecond: 5000, maxStorageGb: 2 },
  queue: { name: "platform-dev-work", deadLetterQueueName: "platform-dev-work-dlq" },
};
const lambdaMode: ObservedResources = {
  ...common,
  functions: [
    { label: "api", functionName: "platform-dev-api" },
    { label: "worker", functionName: "platform-dev-worker" },
    { label: "producer", functionName: "platform-dev-producer" },
  ],
};
const ecsMode: ObservedResources = {
  ...common,
  functions: [
    { label: "worker", functionName: "platform-dev-worker" },
    { label: "producer", functionName: "platform-dev-producer" },
  ],
  loadBalancer: { arnSuffix: "app/platform-dev-api/0123456789abcdef", targetGroupArnSuffix: "targetgroup/platform-dev-api/fedcba9876543210" },
  ecsService: { clusterName: "platform-dev-cluster", serviceName: "platform-dev-api" },
  databaseProxy: { name: "platform-dev-db" },
  table: { name: "platform-dev-app" },
};

type Json = Record<string, any>;

function synth(resources: ObservedResources, custom: Partial<typeof thresholds> = {}) {
  const json = Testing.synthScope((scope) => {
    const alarms = new PlatformAlarms(scope, "alarms", { naming, resources, thresholds: { ...thresholds, ...custom }, alertTopicArn: TOPIC });
    new PlatformDashboard(scope, "dashboard", { naming, resources, alarmArns: alarms.alarmArns });
  });
  const parsed = JSON.parse(json);
  const alarms: Json[] = Object.values(parsed.resource.aws_cloudwatch_metric_alarm);
  const dashboard: Json = Object.values(parsed.resource.aws_cloudwatch_dashboard)[0] as Json;
  const body = JSON.parse(dashboard.dashboard_body);
  const alarm = (name: string) => {
    const found = alarms.find((candidate) => candidate.alarm_name === name);
    if (!found) throw new Error(`no alarm ${name}; have ${alarms.map((candidate) => candidate.alarm_name).join(", ")}`);
    return found;
  };
  return { json, alarms, alarm, dashboard, body };
}

const lambda = synth(lambdaMode);
const ecs = synth(ecsMode);

/** Every `[namespace, metricName]` graphed on the dashboard. */
function graphed(body: Json): string[] {
  return body.widgets
    .filter((widget: Json) => widget.type === "metric")
    .flatMap((widget: Json) => widget.properties.metrics)
    .filter((entry: unknown[]) => typeof entry[0] === "string")
    .map((entry: string[]) => `${entry[0]} ${entry[1]}`);
}
const titles = (body: Json): string[] => body.widgets.filter((widget: Json) => widget.type === "metric").map((widget: Json) => widget.properties.title);

describe("PlatformAlarms", () => {
  it("notifies the alert topic when any alarm fires and when it recovers", () => {
    for (const { alarms } of [lambda, ecs]) {
      expect(alarms.length).toBeGreaterThan(10);
      for (const alarm of alarms) {
        expect(alarm.alarm_actions).toEqual([TOPIC]);
        expect(alarm.ok_actions).toEqual([TOPIC]);
        expect(alarm.treat_missing_data).toBe("notBreaching");
        expect(alarm.alarm_name).toMatch(/^platform-dev-[a-z0-9-]+$/);
        expect(alarm.alarm_description).toMatch(/\. Check first: .+/);
        expect(alarm.alarm_description.length).toBeLessThanOrEqual(1024);
      }
    }
    expect(lambda.json).toHaveResourceWithProperties(CloudwatchMetricAlarm, { alarm_name: "platform-dev-db-cpu", alarm_actions: [TOPIC], ok_actions: [TOPIC] });
  });

  it("alarms on the API's 5xx rate with metric math that ignores zero traffic", () => {
    const alarm = synth(lambdaMode, { api5xxRatePercent: 7 }).alarm("platform-dev-api-5xx-rate");
    expect(alarm).toMatchObject({ threshold: 7, comparison_operator: "GreaterThanThreshold", evaluation_periods: 1 });
    expect(alarm.metric_name).toBeUndefined();
    const result = alarm.metric_query.find((query: Json) => query.return_data === true);
    expect(result.expression).toBe("IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)");
    const metrics = Object.fromEntries(alarm.metric_query.filter((query: Json) => query.metric).map((query: Json) => [query.id, query.metric]));
    expect(metrics.requests).toEqual({ namespace: "AWS/ApiGateway", metric_name: "Count", dimensions: { ApiId: "a1b2c3", Stage: "$default" }, stat: "Sum", period: 300 });
    expect(metrics.errors).toMatchObject({ metric_name: "5xx", stat: "Sum", period: 300 });
    expect(alarm.metric_query.filter((query: Json) => query.return_data === true)).toHaveLength(1);
  });

  it("alarms on the API's p90 latency, ignoring percentiles over a handful of requests", () => {
    expect(lambda.alarm("platform-dev-api-latency-p90")).toMatchObject({
      namespace: "AWS/ApiGateway",
      metric_name: "Latency",
      extended_statistic: "p90",
      evaluate_low_sample_count_percentiles: "ignore",
      threshold: 2000,
      period: 300,
    });
    expect(lambda.alarm("platform-dev-api-latency-p90").statistic).toBeUndefined();
  });

  it("alarms on errors and throttles of each function", () => {
    for (const name of ["api", "worker", "producer"]) {
      for (const [what, metricName] of [["errors", "Errors"], ["throttles", "Throttles"]]) {
        expect(lambda.alarm(`platform-dev-${name}-${what}`)).toMatchObject({
          namespace: "AWS/Lambda",
          metric_name: metricName,
          dimensions: { FunctionName: `platform-dev-${name}` },
          statistic: "Sum",
          threshold: 1,
          comparison_operator: "GreaterThanOrEqualToThreshold",
        });
      }
    }
    expect(ecs.alarms.map((alarm) => alarm.alarm_name)).not.toContain("platform-dev-api-errors");
  });

  it("alarms when a single message reaches the dead-letter queue", () => {
    expect(lambda.alarm("platform-dev-work-dlq-not-empty")).toMatchObject({
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "platform-dev-work-dlq" },
      threshold: 0,
      comparison_operator: "GreaterThanThreshold",
    });
    expect(lambda.alarm("platform-dev-work-oldest-message")).toMatchObject({ metric_name: "ApproximateAgeOfOldestMessage", dimensions: { QueueName: "platform-dev-work" }, threshold: 900 });
  });

  it("alarms on Aurora connections and CPU with the environment's thresholds", () => {
    const { alarm } = synth(lambdaMode, { databaseConnections: 150, databaseCpuPercent: 70 });
    expect(alarm("platform-dev-db-connections")).toMatchObject({ metric_name: "DatabaseConnections", dimensions: { DBClusterIdentifier: "platform-dev-db" }, statistic: "Maximum", threshold: 150 });
    expect(alarm("platform-dev-db-cpu")).toMatchObject({ metric_name: "CPUUtilization", threshold: 70, period: 300, evaluation_periods: 3 });
  });

  it("measures the cache against its own usage limits, on the serverless clusterId dimension", () => {
    const ecpu = lambda.alarm("platform-dev-cache-ecpu");
    expect(ecpu.threshold).toBe(80);
    expect(ecpu.metric_query.find((query: Json) => query.return_data).expression).toBe("100 * ecpu / 60 / 5000");
    expect(ecpu.metric_query.find((query: Json) => query.id === "ecpu").metric).toMatchObject({
      namespace: "AWS/ElastiCache",
      metric_name: "ElastiCacheProcessingUnits",
      dimensions: { clusterId: "platform-dev-cache" },
      stat: "Sum",
      period: 60,
    });
    const storage = lambda.alarm("platform-dev-cache-storage");
    expect(storage.metric_query.find((query: Json) => query.return_data).expression).toBe("100 * bytes / 2000000000");
    expect(storage.metric_query.find((query: Json) => query.id === "bytes").metric).toMatchObject({ metric_name: "BytesUsedForCache", stat: "Maximum" });
  });

  it("adds load balancer alarms only under ECS, and table throttles only with a table", () => {
    const ecsOnly = ["platform-dev-alb-5xx-rate", "platform-dev-alb-latency-p90", "platform-dev-alb-unhealthy-targets", "platform-dev-table-throttles"];
    const lambdaNames = lambda.alarms.map((alarm) => alarm.alarm_name);
    const ecsNames = ecs.alarms.map((alarm) => alarm.alarm_name);
    for (const name of ecsOnly) {
      expect(ecsNames).toContain(name);
      expect(lambdaNames).not.toContain(name);
    }
    // The HTTP API still fronts the load balancer.
    expect(ecsNames).toContain("platform-dev-api-5xx-rate");
    const albRate = ecs.alarm("platform-dev-alb-5xx-rate");
    expect(albRate.metric_query.find((query: Json) => query.return_data).expression).toBe("IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)");
    expect(albRate.metric_query.find((query: Json) => query.id === "target5xx").metric.dimensions).toEqual({
      LoadBalancer: "app/platform-dev-api/0123456789abcdef",
      TargetGroup: "targetgroup/platform-dev-api/fedcba9876543210",
    });
    expect(ecs.alarm("platform-dev-alb-latency-p90")).toMatchObject({ metric_name: "TargetResponseTime", extended_statistic: "p90", threshold: 2 });
    expect(ecs.alarm("platform-dev-alb-unhealthy-targets")).toMatchObject({ metric_name: "UnHealthyHostCount", threshold: 0, period: 60, evaluation_periods: 5 });
  });

  it("refuses function labels that would make bad or duplicate alarm names", () => {
    const build = (functions: ObservedResources["functions"]) => () =>
      Testing.synthScope((scope) => new PlatformAlarms(scope, "alarms", { naming, resources: { ...lambdaMode, functions }, thresholds, alertTopicArn: TOPIC }));
    expect(build([{ label: "Worker", functionName: "x" }])).toThrow(/lower-case/);
    expect(build([{ label: "worker", functionName: "x" }, { label: "worker", functionName: "y" }])).toThrow(/platform-dev-worker-errors/);
  });
});

describe("alarm listing", () => {
  it("lists every alarm with its threshold, following the environment's values", () => {
    const listing = listAlarms("platform-prod", lambdaMode, { ...thresholds, api5xxRatePercent: 3 });
    expect(listing.map((entry) => entry.name)).toEqual(planAlarms(lambdaMode, thresholds).map((spec) => `platform-prod-${spec.id}`));
    expect(listing.find((entry) => entry.name === "platform-prod-api-5xx-rate")).toMatchObject({ threshold: 3, condition: "> 3 %" });
    expect(listing.find((entry) => entry.name === "platform-prod-worker-errors")).toMatchObject({ condition: ">= 1 errors" });
    const table = alarmTable(listing);
    expect(table.split("\n")).toHaveLength(listing.length + 2);
    expect(table).toContain("| `platform-prod-work-dlq-not-empty` | Dead-letter queue holds at least one message | > 0 messages |");
  });
});

describe("PlatformDashboard", () => {
  it("is one dashboard named after the environment", () => {
    expect(lambda.json).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: "platform-dev-overview" });
  });

  it("graphs API requests by status with 2xx as metric math, and p50/p90/p99 latency", () => {
    const requests = lambda.body.widgets.find((widget: Json) => widget.properties.title === "Requests by status").properties;
    expect(requests.metrics).toContainEqual(["AWS/ApiGateway", "Count", "ApiId", "a1b2c3", "Stage", "$default", { id: "requests", visible: false }]);
    expect(requests.metrics).toContainEqual([expect.objectContaining({ expression: "requests - client - server", label: "2xx" })]);
    expect(requests.region).toBe("eu-west-1");
    const latency = lambda.body.widgets.find((widget: Json) => widget.properties.title === "Latency").properties;
    expect(latency.metrics.map((entry: Json[]) => entry[entry.length - 1].stat)).toEqual(["p50", "p90", "p99", "p90"]);
  });

  it("graphs every function, the database, the cache hit ratio, the queue and the dead letters", () => {
    const metrics = graphed(lambda.body);
    for (const expected of [
      "AWS/Lambda Invocations",
      "AWS/Lambda Errors",
      "AWS/Lambda Throttles",
      "AWS/Lambda Duration",
      "AWS/RDS DatabaseConnections",
      "AWS/RDS ServerlessDatabaseCapacity",
      "AWS/RDS ACUUtilization",
      "AWS/RDS CPUUtilization",
      "AWS/ElastiCache CacheHits",
      "AWS/ElastiCache CacheMisses",
      "AWS/ElastiCache ElastiCacheProcessingUnits",
      "AWS/ElastiCache BytesUsedForCache",
      "AWS/SQS ApproximateNumberOfMessagesVisible",
      "AWS/SQS ApproximateAgeOfOldestMessage",
    ]) {
      expect(metrics).toContain(expected);
    }
    const invocations = lambda.body.widgets.find((widget: Json) => widget.properties.title === "Invocations").properties.metrics;
    expect(invocations.map((entry: string[]) => entry[3])).toEqual(["platform-dev-api", "platform-dev-worker", "platform-dev-producer"]);
    const hitRatio = lambda.body.widgets.find((widget: Json) => widget.properties.title === "Hit ratio").properties.metrics;
    expect(hitRatio).toContainEqual(["AWS/ElastiCache", "CacheHits", "clusterId", "platform-dev-cache", { id: "hits", visible: false }]);
    expect(hitRatio).toContainEqual([expect.objectContaining({ expression: "IF(hits + misses > 0, 100 * hits / (hits + misses))" })]);
    const deadLetters = lambda.body.widgets.find((widget: Json) => widget.properties.title === "Dead-letter queue depth").properties.metrics;
    expect(deadLetters[0].slice(0, 4)).toEqual(["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "platform-dev-work-dlq"]);
  });

  it("shows the load balancer, the ECS service, the proxy and the table only when they exist", () => {
    const lambdaMetrics = graphed(lambda.body);
    const ecsMetrics = graphed(ecs.body);
    for (const onlyEcs of ["AWS/ApplicationELB TargetResponseTime", "AWS/ApplicationELB UnHealthyHostCount", "AWS/ECS CPUUtilization", "AWS/ECS MemoryUtilization", "ECS/ContainerInsights RunningTaskCount", "AWS/RDS ClientConnections"]) {
      expect(ecsMetrics).toContain(onlyEcs);
      expect(lambdaMetrics).not.toContain(onlyEcs);
    }
    for (const tableMetric of ["AWS/DynamoDB ConsumedReadCapacityUnits", "AWS/DynamoDB ConsumedWriteCapacityUnits", "AWS/DynamoDB ReadThrottleEvents", "AWS/DynamoDB WriteThrottleEvents"]) {
      expect(ecsMetrics).toContain(tableMetric);
      expect(lambdaMetrics).not.toContain(tableMetric);
    }
    expect(titles(lambda.body)).not.toContain("Consumed capacity");
    expect(titles(ecs.body)).toContain("Consumed capacity");
    // The ECS API is no function: only the worker and the producer are graphed.
    const invocations = ecs.body.widgets.find((widget: Json) => widget.properties.title === "Invocations").properties.metrics;
    expect(invocations.map((entry: string[]) => entry[3])).toEqual(["platform-dev-worker", "platform-dev-producer"]);
  });

  it("shows the alarms' states at the top and lays widgets out without overlaps", () => {
    for (const { body, alarms } of [lambda, ecs]) {
      const [first] = body.widgets;
      expect(first.type).toBe("alarm");
      expect(first.properties.alarms).toHaveLength(alarms.length);
      expect(first.properties.alarms[0]).toMatch(/^\$\{aws_cloudwatch_metric_alarm\..+\.arn\}$/);
      const cells = new Set<string>();
      for (const widget of body.widgets) {
        expect(widget.x + widget.width).toBeLessThanOrEqual(24);
        for (let x = widget.x; x < widget.x + widget.width; x++) {
          for (let y = widget.y; y < widget.y + widget.height; y++) {
            const cell = `${x},${y}`;
            expect(cells.has(cell)).toBe(false);
            cells.add(cell);
          }
        }
      }
    }
  });

  it("adds the cache's limits as lines on its graphs", () => {
    const storage = lambda.body.widgets.find((widget: Json) => widget.properties.title === "Data stored").properties;
    expect(storage.annotations.horizontal[0].value).toBe(2e9);
    const compute = lambda.body.widgets.find((widget: Json) => widget.properties.title === "Compute (ECPU per second)").properties;
    expect(compute.annotations.horizontal[0].value).toBe(5000);
  });
});
