import type { AlarmThresholds, ObservedResources } from "./observed-resources";

export type ComparisonOperator = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
export type TreatMissingData = "missing" | "ignore" | "breaching" | "notBreaching";

/** One CloudWatch metric, as both alarms and graphs name it. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}

/** An alarm on one metric's statistic. */
export interface SingleMetricCondition {
  readonly kind: "metric";
  readonly metric: MetricRef;
  /** `Sum`, `Average`, `Maximum`, ... or a percentile such as `p90`. */
  readonly statistic: string;
  /** Seconds per evaluated datapoint. */
  readonly period: number;
}

/** An alarm on a metric math expression over up to ten metrics. */
export interface MetricMathCondition {
  readonly kind: "math";
  /** The expression the alarm watches; it refers to the metrics by their keys. */
  readonly expression: string;
  readonly label: string;
  /** Keys are metric math ids: lower-case first letter, then letters, digits and `_`. */
  readonly metrics: Record<string, MetricRef & { readonly statistic: string }>;
  readonly period: number;
}

/** Everything about one alarm except where it notifies: what the construct and the README both read. */
export interface AlarmSpec {
  /** The name after the environment prefix: `api-5xx-rate` becomes `platform-dev-api-5xx-rate`. */
  readonly id: string;
  /** One line for humans: what crosses which threshold over which window. */
  readonly summary: string;
  /** What the on-call checks first; becomes the alarm description after the summary. */
  readonly checkFirst: string;
  readonly threshold: number;
  /** The threshold's unit, for people (`%`, `ms`, `s`, `errors`, ...). */
  readonly unit: string;
  readonly comparison: ComparisonOperator;
  readonly evaluationPeriods: number;
  /** Of `evaluationPeriods`, how many must breach. Default: all of them. */
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: TreatMissingData;
  readonly condition: SingleMetricCondition | MetricMathCondition;
}

/** Fixed by design, not per environment: any value above these is already a problem. */
export const FIXED_THRESHOLDS = {
  /** Aurora at or above this share of its maxCapacity for 15 minutes cannot scale further. */
  databaseCapacityPercent: 90,
  /** A dead letter is a message the worker gave up on: one is enough to look. */
  deadLetters: 0,
  /** An on-demand table throttles only at partition or account limits. */
  tableThrottles: 1,
  /** A target that stays unhealthy for five minutes is past any start-up grace. */
  unhealthyTargets: 0,
} as const;

const FIVE_MINUTES = 300;
const ONE_MINUTE = 60;
const GB = 1e9;

const COMPARISON_SYMBOL: Record<ComparisonOperator, string> = {
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: ">=",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "<=",
};

/**
 * The alarm set of an environment, generated from what exists in it (design documents 001 and
 * 002): API 5xx rate and latency, per-function errors and throttles, Aurora connections, CPU and
 * capacity, cache compute and storage against their usage limits, dead letters and the age of the
 * oldest waiting message; under ECS the load balancer's 5xx rate, target latency and unhealthy
 * targets; with a table, its throttles.
 *
 * Every alarm treats missing data as not breaching: the metrics here are published only while
 * there is traffic (API, functions, ALB), while the database is not paused, or while a queue is
 * active, so silence means idle, not broken. Nothing in this set watches for a heartbeat.
 */
export function planAlarms(resources: ObservedResources, thresholds: AlarmThresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [];
  const api = { ApiId: resources.httpApi.apiId, Stage: resources.httpApi.stage };
  const apiMetric = (metricName: string): MetricRef => ({ namespace: "AWS/ApiGateway", metricName, dimensions: api });

  // HTTP API metrics exist in both modes: in ECS mode the API fronts the load balancer, and its
  // 5xx also count VPC-link failures the load balancer never sees.
  specs.push({
    id: "api-5xx-rate",
    summary: `HTTP API 5xx responses above ${thresholds.api5xxRatePercent} % of requests over 5 minutes`,
    checkFirst: resources.loadBalancer
      ? "the load balancer's 5xx and unhealthy-target alarms and the API container's log group, then the last deployment; with few 5xx on the ALB, look at the VPC link."
      : "the API function's errors and its log group, then the last deployment and the database and cache alarms.",
    threshold: thresholds.api5xxRatePercent,
    unit: "%",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    condition: {
      kind: "math",
      // No requests means no error rate rather than a division by zero or an alarm.
      expression: "IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)",
      label: "5xx as % of requests",
      metrics: { requests: { ...apiMetric("Count"), statistic: "Sum" }, errors: { ...apiMetric("5xx"), statistic: "Sum" } },
      period: FIVE_MINUTES,
    },
  });
  specs.push({
    id: "api-latency-p90",
    summary: `HTTP API p90 latency above ${thresholds.apiLatencyP90Ms} ms over 5 minutes`,
    checkFirst: resources.loadBalancer
      ? "the load balancer's target response time and the ECS service's CPU, then Aurora CPU and capacity."
      : "the API function's duration and cold starts (init duration in its logs), then Aurora CPU and capacity and the cache.",
    threshold: thresholds.apiLatencyP90Ms,
    unit: "ms",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    condition: { kind: "metric", metric: apiMetric("Latency"), statistic: "p90", period: FIVE_MINUTES },
  });

  if (resources.loadBalancer) {
    const { arnSuffix, targetGroupArnSuffix } = resources.loadBalancer;
    const loadBalancer = { LoadBalancer: arnSuffix };
    const targets = { LoadBalancer: arnSuffix, TargetGroup: targetGroupArnSuffix };
    const alb = (metricName: string, dimensions: Record<string, string>): MetricRef => ({ namespace: "AWS/ApplicationELB", metricName, dimensions });
    specs.push({
      id: "alb-5xx-rate",
      summary: `Load balancer 5xx (from targets and from the load balancer itself) above ${thresholds.api5xxRatePercent} % of requests over 5 minutes`,
      checkFirst: "the API container's log group and the ECS service's events (failed health checks, stopped tasks), then the database and cache alarms.",
      threshold: thresholds.api5xxRatePercent,
      unit: "%",
      comparison: "GreaterThanThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      condition: {
        kind: "math",
        // The load balancer publishes HTTPCode_* counts only when they are not zero.
        expression: "IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)",
        label: "ALB 5xx as % of requests",
        metrics: {
          requests: { ...alb("RequestCount", loadBalancer), statistic: "Sum" },
          target5xx: { ...alb("HTTPCode_Target_5XX_Count", targets), statistic: "Sum" },
          elb5xx: { ...alb("HTTPCode_ELB_5XX_Count", loadBalancer), statistic: "Sum" },
        },
        period: FIVE_MINUTES,
      },
    });
    specs.push({
      id: "alb-latency-p90",
      summary: `Load balancer target p90 response time above ${thresholds.apiLatencyP90Ms / 1000} s over 5 minutes`,
      checkFirst: "the ECS service's CPU and memory and whether it is at its maximum task count, then Aurora CPU and capacity.",
      // TargetResponseTime is in seconds; the environment gives milliseconds like the API's Latency.
      threshold: thresholds.apiLatencyP90Ms / 1000,
      unit: "s",
      comparison: "GreaterThanThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      condition: { kind: "metric", metric: alb("TargetResponseTime", targets), statistic: "p90", period: FIVE_MINUTES },
    });
    specs.push({
      id: "alb-unhealthy-targets",
      summary: "Load balancer reports an unhealthy API task for 5 minutes in a row",
      checkFirst: "the ECS service's events and the stopped tasks' reasons, then the container's log group around its /health check.",
      threshold: FIXED_THRESHOLDS.unhealthyTargets,
      unit: "tasks",
      comparison: "GreaterThanThreshold",
      evaluationPeriods: 5,
      treatMissingData: "notBreaching",
      condition: { kind: "metric", metric: alb("UnHealthyHostCount", targets), statistic: "Maximum", period: ONE_MINUTE },
    });
  }

  for (const fn of resources.functions) {
    const lambda = (metricName: string): MetricRef => ({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: fn.functionName } });
    specs.push({
      id: `${fn.label}-errors`,
      summary: `Function ${fn.label}: ${thresholds.functionErrors} or more errors in 5 minutes`,
      checkFirst: `the ${fn.label} function's log group for ERROR lines and its X-Ray traces, then what it calls (database, cache, queue).`,
      threshold: thresholds.functionErrors,
      unit: "errors",
      comparison: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      condition: { kind: "metric", metric: lambda("Errors"), statistic: "Sum", period: FIVE_MINUTES },
    });
    specs.push({
      id: `${fn.label}-throttles`,
      summary: `Function ${fn.label}: ${thresholds.functionThrottles} or more throttled invocations in 5 minutes`,
      checkFirst: `the ${fn.label} function's concurrent executions against its reserved concurrency (or the account's limit), then who calls it more than usual.`,
      threshold: thresholds.functionThrottles,
      unit: "throttles",
      comparison: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      condition: { kind: "metric", metric: lambda("Throttles"), statistic: "Sum", period: FIVE_MINUTES },
    });
  }

  const rds = (metricName: string): MetricRef => ({ namespace: "AWS/RDS", metricName, dimensions: { DBClusterIdentifier: resources.database.clusterIdentifier } });
  specs.push({
    id: "db-connections",
    summary: `Aurora: more than ${thresholds.databaseConnections} connections on an instance (maximum over 5 minutes)`,
    checkFirst: resources.databaseProxy
      ? "the RDS Proxy's client connections and the functions' concurrency, then idle sessions in pg_stat_activity."
      : "the functions' concurrent executions (each holds its own connections) and idle sessions in pg_stat_activity; RDS Proxy pools them.",
    threshold: thresholds.databaseConnections,
    unit: "connections",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    condition: { kind: "metric", metric: rds("DatabaseConnections"), statistic: "Maximum", period: FIVE_MINUTES },
  });
  specs.push({
    id: "db-cpu",
    summary: `Aurora CPU above ${thresholds.databaseCpuPercent} % (average over 15 minutes)`,
    checkFirst: "Performance Insights' top SQL and the slow-query log (statements over 1 s), then whether capacity is at maxCapacity.",
    threshold: thresholds.databaseCpuPercent,
    unit: "%",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 3,
    treatMissingData: "notBreaching",
    condition: { kind: "metric", metric: rds("CPUUtilization"), statistic: "Average", period: FIVE_MINUTES },
  });
  specs.push({
    id: "db-capacity",
    summary: `Aurora capacity at ${FIXED_THRESHOLDS.databaseCapacityPercent} % or more of maxCapacity for 15 minutes`,
    checkFirst: "Performance Insights' top SQL, then raise database.maxCapacity if the load is legitimate.",
    threshold: FIXED_THRESHOLDS.databaseCapacityPercent,
    unit: "%",
    comparison: "GreaterThanOrEqualToThreshold",
    evaluationPeriods: 3,
    treatMissingData: "notBreaching",
    condition: { kind: "metric", metric: rds("ACUUtilization"), statistic: "Average", period: FIVE_MINUTES },
  });

  const cache = (metricName: string): MetricRef => ({ namespace: "AWS/ElastiCache", metricName, dimensions: { clusterId: resources.cache.name } });
  const { maxEcpuPerSecond, maxStorageGb } = resources.cache;
  specs.push({
    id: "cache-ecpu",
    summary: `Cache compute above ${thresholds.cacheEcpuPercent} % of its ${maxEcpuPerSecond} ECPU/s limit for 5 minutes`,
    checkFirst: "the cache's ThrottledCmds and the commands the app sends (large values, KEYS/SCAN), then raise cache.maxEcpuPerSecond.",
    threshold: thresholds.cacheEcpuPercent,
    unit: "%",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 5,
    treatMissingData: "notBreaching",
    condition: {
      kind: "math",
      // A per-minute sum over 60 seconds is the minute's average ECPU per second.
      expression: `100 * ecpu / ${ONE_MINUTE} / ${maxEcpuPerSecond}`,
      label: "ECPU/s as % of the limit",
      metrics: { ecpu: { ...cache("ElastiCacheProcessingUnits"), statistic: "Sum" } },
      period: ONE_MINUTE,
    },
  });
  specs.push({
    id: "cache-storage",
    summary: `Cache data above ${thresholds.cacheStoragePercent} % of its ${maxStorageGb} GB limit`,
    checkFirst: "keys without a TTL and the largest keys (MEMORY USAGE), then raise cache.maxStorageGb; at the limit the cache evicts.",
    threshold: thresholds.cacheStoragePercent,
    unit: "%",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    condition: {
      kind: "math",
      expression: `100 * bytes / ${maxStorageGb * GB}`,
      label: "Data stored as % of the limit",
      metrics: { bytes: { ...cache("BytesUsedForCache"), statistic: "Maximum" } },
      period: FIVE_MINUTES,
    },
  });

  const sqs = (queueName: string, metricName: string): MetricRef => ({ namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName } });
  specs.push({
    id: "work-dlq-not-empty",
    summary: "Dead-letter queue holds at least one message",
    checkFirst: "a message in the dead-letter queue and the worker's log group for its failures; redrive it once fixed (messages are kept 14 days).",
    threshold: FIXED_THRESHOLDS.deadLetters,
    unit: "messages",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    condition: { kind: "metric", metric: sqs(resources.queue.deadLetterQueueName, "ApproximateNumberOfMessagesVisible"), statistic: "Maximum", period: FIVE_MINUTES },
  });
  specs.push({
    id: "work-oldest-message",
    summary: `Oldest message on the work queue older than ${thresholds.oldestMessageAgeSeconds} s`,
    checkFirst: "the worker's errors, throttles and the queue trigger's state (enabled, maximum concurrency), then the producer's rate.",
    threshold: thresholds.oldestMessageAgeSeconds,
    unit: "s",
    comparison: "GreaterThanThreshold",
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    condition: { kind: "metric", metric: sqs(resources.queue.name, "ApproximateAgeOfOldestMessage"), statistic: "Maximum", period: FIVE_MINUTES },
  });

  if (resources.table) {
    const dynamodb = (metricName: string): MetricRef => ({ namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: resources.table!.name } });
    specs.push({
      id: "table-throttles",
      summary: `DynamoDB table: ${FIXED_THRESHOLDS.tableThrottles} or more throttled reads or writes in 5 minutes`,
      checkFirst: "hot partition keys (CloudWatch Contributor Insights) and the account's on-demand throughput limits.",
      threshold: FIXED_THRESHOLDS.tableThrottles,
      unit: "events",
      comparison: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      condition: {
        kind: "math",
        expression: "FILL(reads, 0) + FILL(writes, 0)",
        label: "Throttled reads and writes",
        metrics: { reads: { ...dynamodb("ReadThrottleEvents"), statistic: "Sum" }, writes: { ...dynamodb("WriteThrottleEvents"), statistic: "Sum" } },
        period: FIVE_MINUTES,
      },
    });
  }

  return specs;
}

/** The alarm description: the condition, then where to look first. At most 1024 characters. */
export function alarmDescription(spec: AlarmSpec): string {
  return `${spec.summary}. Check first: ${spec.checkFirst}`;
}

/** One alarm as a README or a release note lists it. */
export interface AlarmListing {
  /** The full alarm name, `<prefix>-<id>`. */
  readonly name: string;
  readonly summary: string;
  /** `> 5 %`, `>= 1 errors`. */
  readonly condition: string;
  readonly threshold: number;
  readonly unit: string;
}

/**
 * The alarms of an environment with their thresholds, e.g. for a README table per environment.
 * `prefix` is `Naming.prefix` (`platform-dev`). Plain names work as `resources`: only the shape
 * (which functions, ECS or not, a table or not) and the cache limits show in the listing.
 */
export function listAlarms(prefix: string, resources: ObservedResources, thresholds: AlarmThresholds): AlarmListing[] {
  return planAlarms(resources, thresholds).map((spec) => ({
    name: `${prefix}-${spec.id}`,
    summary: spec.summary,
    condition: `${COMPARISON_SYMBOL[spec.comparison]} ${spec.threshold} ${spec.unit}`,
    threshold: spec.threshold,
    unit: spec.unit,
  }));
}

/** `listAlarms` as a Markdown table. */
export function alarmTable(listings: readonly AlarmListing[]): string {
  const rows = listings.map((listing) => `| \`${listing.name}\` | ${listing.summary} | ${listing.condition} |`);
  return ["| alarm | when | threshold |", "|---|---|---|", ...rows].join("\n");
}
