import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import type { Naming } from "../../naming/naming";
import type { MetricRef } from "./alarm-plan";
import type { ObservedResources } from "./observed-resources";

/** One entry of a metric widget's `metrics` array: a metric with its options, or an expression. */
export type DashboardMetric = (string | Record<string, unknown>)[];

/** A widget of the dashboard body (CloudWatch's dashboard body structure). */
export interface DashboardWidget {
  readonly type: "metric" | "text" | "alarm";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** The grid is 24 units wide; three graphs a row stay readable on a laptop. */
const GRID_WIDTH = 24;
const GRAPH = { width: 8, height: 6 } as const;
/** Graph period in seconds: 5-minute points match the alarms' windows. */
const PERIOD = 300;
const GB = 1e9;

interface Graph {
  readonly title: string;
  readonly metrics: DashboardMetric[];
  /** `Sum`, `Average`, `Maximum` or a percentile; each metric may override it. Default `Sum`. */
  readonly stat?: string;
  readonly yAxis?: Record<string, unknown>;
  readonly annotations?: Record<string, unknown>;
}

interface Section {
  readonly title: string;
  readonly graphs: Graph[];
}

const metric = (ref: MetricRef, options: Record<string, unknown> = {}): DashboardMetric => [
  ref.namespace,
  ref.metricName,
  ...Object.entries(ref.dimensions).flat(),
  ...(Object.keys(options).length > 0 ? [options] : []),
];
const expression = (id: string, expr: string, label: string, options: Record<string, unknown> = {}): DashboardMetric => [{ expression: expr, id, label, ...options }];

/**
 * The widgets of the environment's dashboard, generated from what exists: the API's requests by
 * status and its latency; under ECS the load balancer and the service; every function's
 * invocations, errors, throttles, duration and concurrency; Aurora's connections (and the proxy's),
 * capacity and CPU; the cache's hit ratio, compute and storage against their limits; the work
 * queue's depth and oldest message and the dead-letter queue; with a table, its capacity and
 * throttles. `alarmArns` adds an alarm-status widget at the top.
 */
export function dashboardWidgets(resources: ObservedResources, alarmArns: readonly string[] = []): DashboardWidget[] {
  const sections: Section[] = [];
  const api = { ApiId: resources.httpApi.apiId, Stage: resources.httpApi.stage };
  const apiMetric = (metricName: string): MetricRef => ({ namespace: "AWS/ApiGateway", metricName, dimensions: api });
  sections.push({
    title: "API (HTTP API, in front of every request)",
    graphs: [
      {
        title: "Requests by status",
        metrics: [
          metric(apiMetric("Count"), { id: "requests", visible: false }),
          metric(apiMetric("4xx"), { id: "client", label: "4xx" }),
          metric(apiMetric("5xx"), { id: "server", label: "5xx", color: "#d62728" }),
          // The HTTP API publishes no 2xx count: what is neither 4xx nor 5xx succeeded (or redirected).
          expression("ok", "requests - client - server", "2xx", { color: "#2ca02c" }),
        ],
      },
      {
        title: "Latency",
        stat: "p90",
        metrics: [
          metric(apiMetric("Latency"), { stat: "p50", label: "p50" }),
          metric(apiMetric("Latency"), { stat: "p90", label: "p90" }),
          metric(apiMetric("Latency"), { stat: "p99", label: "p99" }),
          metric(apiMetric("IntegrationLatency"), { stat: "p90", label: "integration p90" }),
        ],
        yAxis: { left: { label: "ms", showUnits: false, min: 0 } },
      },
    ],
  });

  if (resources.loadBalancer || resources.ecsService) {
    const graphs: Graph[] = [];
    if (resources.loadBalancer) {
      const loadBalancer = { LoadBalancer: resources.loadBalancer.arnSuffix };
      const targets = { ...loadBalancer, TargetGroup: resources.loadBalancer.targetGroupArnSuffix };
      const alb = (metricName: string, dimensions: Record<string, string>): MetricRef => ({ namespace: "AWS/ApplicationELB", metricName, dimensions });
      graphs.push(
        {
          title: "Load balancer requests by status",
          metrics: [
            metric(alb("RequestCount", loadBalancer), { label: "requests" }),
            metric(alb("HTTPCode_Target_2XX_Count", targets), { label: "target 2xx" }),
            metric(alb("HTTPCode_Target_4XX_Count", targets), { label: "target 4xx" }),
            metric(alb("HTTPCode_Target_5XX_Count", targets), { label: "target 5xx" }),
            metric(alb("HTTPCode_ELB_5XX_Count", loadBalancer), { label: "load balancer 5xx" }),
          ],
        },
        {
          title: "Target response time",
          stat: "p90",
          metrics: ["p50", "p90", "p99"].map((stat) => metric(alb("TargetResponseTime", targets), { stat, label: stat })),
          yAxis: { left: { label: "seconds", showUnits: false, min: 0 } },
        },
        {
          title: "Targets",
          stat: "Maximum",
          metrics: [metric(alb("HealthyHostCount", targets), { label: "healthy" }), metric(alb("UnHealthyHostCount", targets), { label: "unhealthy" })],
        },
      );
    }
    if (resources.ecsService) {
      const service = { ClusterName: resources.ecsService.clusterName, ServiceName: resources.ecsService.serviceName };
      graphs.push(
        {
          title: "Service CPU and memory",
          stat: "Average",
          metrics: [
            metric({ namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: service }, { label: "CPU %" }),
            metric({ namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions: service }, { label: "memory %" }),
          ],
          yAxis: { left: { min: 0, max: 100, label: "%", showUnits: false } },
        },
        {
          title: "Service tasks",
          stat: "Average",
          metrics: ["RunningTaskCount", "DesiredTaskCount", "PendingTaskCount"].map((metricName) =>
            metric({ namespace: "ECS/ContainerInsights", metricName, dimensions: service }, { label: metricName.replace("TaskCount", "").toLowerCase() }),
          ),
        },
      );
    }
    sections.push({ title: "Load balancer and ECS service", graphs });
  }

  if (resources.functions.length > 0) {
    const perFunction = (metricName: string, options: Record<string, unknown> = {}) =>
      resources.functions.map((fn) => metric({ namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: fn.functionName } }, { label: fn.label, ...options }));
    sections.push({
      title: "Functions",
      graphs: [
        { title: "Invocations", metrics: perFunction("Invocations") },
        {
          title: "Errors and throttles",
          metrics: [
            ...resources.functions.map((fn) => metric({ namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: fn.functionName } }, { label: `${fn.label} errors` })),
            ...resources.functions.map((fn) => metric({ namespace: "AWS/Lambda", metricName: "Throttles", dimensions: { FunctionName: fn.functionName } }, { label: `${fn.label} throttles` })),
          ],
        },
        { title: "Duration p90", stat: "p90", metrics: perFunction("Duration"), yAxis: { left: { label: "ms", showUnits: false, min: 0 } } },
        { title: "Concurrent executions", stat: "Maximum", metrics: perFunction("ConcurrentExecutions") },
      ],
    });
  }

  const rds = (metricName: string): MetricRef => ({ namespace: "AWS/RDS", metricName, dimensions: { DBClusterIdentifier: resources.database.clusterIdentifier } });
  const proxy = resources.databaseProxy;
  sections.push({
    title: "Database (Aurora Serverless v2)",
    graphs: [
      {
        title: proxy ? "Connections (database and proxy)" : "Connections",
        stat: "Maximum",
        metrics: [
          metric(rds("DatabaseConnections"), { label: "database" }),
          ...(proxy
            ? [
                metric({ namespace: "AWS/RDS", metricName: "ClientConnections", dimensions: { ProxyName: proxy.name } }, { label: "proxy clients" }),
                metric({ namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: { ProxyName: proxy.name } }, { label: "proxy to database" }),
              ]
            : []),
        ],
      },
      {
        title: "Capacity",
        stat: "Average",
        metrics: [metric(rds("ServerlessDatabaseCapacity"), { label: "ACU" }), metric(rds("ACUUtilization"), { label: "% of maxCapacity", yAxis: "right" })],
        yAxis: { left: { label: "ACU", showUnits: false, min: 0 }, right: { label: "%", showUnits: false, min: 0, max: 100 } },
      },
      {
        title: "CPU",
        metrics: [metric(rds("CPUUtilization"), { stat: "Average", label: "average" }), metric(rds("CPUUtilization"), { stat: "Maximum", label: "maximum" })],
        yAxis: { left: { label: "%", showUnits: false, min: 0, max: 100 } },
      },
    ],
  });

  const cache = (metricName: string): MetricRef => ({ namespace: "AWS/ElastiCache", metricName, dimensions: { clusterId: resources.cache.name } });
  sections.push({
    title: "Cache (ElastiCache Serverless)",
    graphs: [
      {
        title: "Hit ratio",
        metrics: [
          metric(cache("CacheHits"), { id: "hits", visible: false }),
          metric(cache("CacheMisses"), { id: "misses", visible: false }),
          // Without reads there is no ratio to show, rather than a division by zero.
          expression("ratio", "IF(hits + misses > 0, 100 * hits / (hits + misses))", "hit ratio %"),
        ],
        yAxis: { left: { label: "%", showUnits: false, min: 0, max: 100 } },
      },
      {
        title: "Compute (ECPU per second)",
        metrics: [metric(cache("ElastiCacheProcessingUnits"), { id: "ecpu", visible: false }), expression("perSecond", "ecpu / PERIOD(ecpu)", "ECPU/s")],
        annotations: { horizontal: [{ label: "limit (maxEcpuPerSecond)", value: resources.cache.maxEcpuPerSecond }] },
        yAxis: { left: { min: 0, showUnits: false } },
      },
      {
        title: "Data stored",
        stat: "Maximum",
        metrics: [metric(cache("BytesUsedForCache"), { label: "bytes" })],
        annotations: { horizontal: [{ label: "limit (maxStorageGb)", value: resources.cache.maxStorageGb * GB }] },
        yAxis: { left: { min: 0 } },
      },
    ],
  });

  const sqs = (queueName: string, metricName: string): MetricRef => ({ namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName } });
  sections.push({
    title: "Work queue",
    graphs: [
      {
        title: "Queue depth",
        stat: "Maximum",
        metrics: [
          metric(sqs(resources.queue.name, "ApproximateNumberOfMessagesVisible"), { label: "waiting" }),
          metric(sqs(resources.queue.name, "ApproximateNumberOfMessagesNotVisible"), { label: "in flight" }),
        ],
      },
      {
        title: "Oldest message age",
        stat: "Maximum",
        metrics: [metric(sqs(resources.queue.name, "ApproximateAgeOfOldestMessage"), { label: "seconds" })],
        yAxis: { left: { label: "seconds", showUnits: false, min: 0 } },
      },
      {
        title: "Dead-letter queue depth",
        stat: "Maximum",
        metrics: [metric(sqs(resources.queue.deadLetterQueueName, "ApproximateNumberOfMessagesVisible"), { label: "dead letters", color: "#d62728" })],
      },
    ],
  });

  if (resources.table) {
    const dynamodb = (metricName: string): MetricRef => ({ namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: resources.table!.name } });
    sections.push({
      title: "DynamoDB table",
      graphs: [
        { title: "Consumed capacity", metrics: [metric(dynamodb("ConsumedReadCapacityUnits"), { label: "read units" }), metric(dynamodb("ConsumedWriteCapacityUnits"), { label: "write units" })] },
        { title: "Throttles", metrics: [metric(dynamodb("ReadThrottleEvents"), { label: "reads" }), metric(dynamodb("WriteThrottleEvents"), { label: "writes" })] },
      ],
    });
  }

  return layout(sections, resources.region, alarmArns);
}

/** Sections top to bottom, each a one-line heading and its graphs three to a row. */
function layout(sections: Section[], region: string, alarmArns: readonly string[]): DashboardWidget[] {
  const widgets: DashboardWidget[] = [];
  let y = 0;
  if (alarmArns.length > 0) {
    widgets.push({ type: "alarm", x: 0, y, width: GRID_WIDTH, height: 4, properties: { title: "Alarms", alarms: [...alarmArns], sortBy: "stateUpdatedTimestamp" } });
    y += 4;
  }
  for (const section of sections) {
    widgets.push({ type: "text", x: 0, y, width: GRID_WIDTH, height: 1, properties: { markdown: `## ${section.title}` } });
    y += 1;
    section.graphs.forEach((graph, index) => {
      const column = index % (GRID_WIDTH / GRAPH.width);
      if (index > 0 && column === 0) y += GRAPH.height;
      widgets.push({
        type: "metric",
        x: column * GRAPH.width,
        y,
        width: GRAPH.width,
        height: GRAPH.height,
        properties: {
          title: graph.title,
          region,
          view: "timeSeries",
          stacked: false,
          period: PERIOD,
          stat: graph.stat ?? "Sum",
          metrics: graph.metrics,
          ...(graph.yAxis ? { yAxis: graph.yAxis } : {}),
          ...(graph.annotations ? { annotations: graph.annotations } : {}),
        },
      });
    });
    y += GRAPH.height;
  }
  return widgets;
}

export interface PlatformDashboardProps {
  readonly naming: Naming;
  /** What exists in the environment; the widgets follow it (see `dashboardWidgets`). */
  readonly resources: ObservedResources;
  /** Alarms to show as an alarm-status widget at the top, e.g. `PlatformAlarms.alarmArns`. Default: none. */
  readonly alarmArns?: readonly string[];
}

/**
 * The environment's CloudWatch dashboard, `<prefix>-overview` (design documents 001 and 002). The
 * body is generated from `ObservedResources`; resource names inside it may be Terraform tokens.
 * Dashboards cost $3/month each beyond the first three of an account.
 */
export class PlatformDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly dashboardName: string;
  readonly widgets: DashboardWidget[];

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    this.widgets = dashboardWidgets(props.resources, props.alarmArns ?? []);
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.naming.name("overview"),
      // "auto" lets graphs coarsen their period on long time ranges instead of hitting point limits.
      dashboardBody: JSON.stringify({ start: "-PT6H", periodOverride: "auto", widgets: this.widgets }),
    });
    this.dashboardName = this.dashboard.dashboardName;
  }
}
